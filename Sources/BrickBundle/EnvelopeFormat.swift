import Crypto

/// Format constants of an encrypted bundle (docs/FORMAT.md §9): an envelope around a
/// plain bundle (§8), sealed in chunks for one or more recipients.
enum EnvelopeFormat {
    /// Format constant (§9.2): the first eight bytes.
    static let magic: [UInt8] = Array("BRKCRYPT".utf8)
    /// Format constant (§9.2): the envelope version.
    static let version: UInt16 = 1
    /// Format constant (§9.3): plaintext bytes per chunk, except the last.
    static let chunkSize = 64 << 10
    /// Format constant (§9.3): the Poly1305 tag after each chunk's ciphertext.
    static let tagSize = 16
    /// Format constant (§9.4): the frame length that marks the trailer.
    static let trailerMark: UInt32 = 0xFFFF_FFFF
    /// Format constant (§9.4): the last eight bytes.
    static let endMagic: [UInt8] = Array("BRKCEND\n".utf8)
    /// Format constant (§9.2): bytes of one recipient stanza (key id, ephemeral key,
    /// wrapped file key with its tag).
    static let stanzaSize = 8 + 32 + 32 + 16
    /// The most recipients a reader accepts.
    static let maximumRecipients = 64
    /// HKDF info strings (§9.2, §9.3).
    static let wrapInfo = Array("brick-bundle-v1 wrap".utf8)
    static let payloadInfo = Array("brick-bundle-v1 payload".utf8)

    /// The 12-byte nonce of chunk `index`: an 11-byte big-endian counter, then 1 for
    /// the last chunk and 0 otherwise.
    static func nonce(_ index: UInt64, last: Bool) -> ChaChaPoly.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        for position in 0..<8 { bytes[10 - position] = UInt8(truncatingIfNeeded: index >> (8 * UInt64(position))) }
        bytes[11] = last ? 1 : 0
        return try! ChaChaPoly.Nonce(data: bytes)
    }

    /// The key that wraps the file key for one recipient: HKDF-SHA256 of the X25519
    /// shared secret, salted with the ephemeral and the recipient's public keys.
    static func wrapKey(_ shared: SharedSecret, ephemeral: [UInt8], recipient: [UInt8]) -> SymmetricKey {
        shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: ephemeral + recipient, sharedInfo: wrapInfo, outputByteCount: 32)
    }

    /// The key that seals the chunks: HKDF-SHA256 of the file key, salted with the
    /// header's random salt.
    static func payloadKey(fileKey: SymmetricKey, salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: fileKey, salt: salt, info: payloadInfo, outputByteCount: 32)
    }
}
