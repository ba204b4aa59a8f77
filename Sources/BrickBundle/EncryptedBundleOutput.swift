import Crypto
import Foundation

/// Encrypts a bundle on its way to an output (docs/FORMAT.md §9): a fresh file key,
/// wrapped for every recipient by X25519 + HKDF-SHA256 + ChaCha20-Poly1305, seals the
/// bundle in 64 KiB chunks whose nonces count and mark the last one, so a chunk that
/// is modified, moved, dropped or cut off is detected. Only public keys are needed
/// here; the backup host cannot read what it wrote.
public final class EncryptedBundleOutput: BundleOutput {
    private let output: any BundleOutput
    private let key: SymmetricKey
    private let headerChecksum: [UInt8]
    private var pending: [UInt8] = []
    private var chunkIndex: UInt64 = 0
    private var outerDigest = SHA256()
    private var finished = false

    /// Writes the envelope's header: the recipients' stanzas and, in clear, the inner
    /// bundle's header (user, sequence, parent digest: what a chain check needs).
    public init(recipients: [BundleRecipient], header: BundleHeader, output: any BundleOutput) throws {
        guard !recipients.isEmpty, recipients.count <= EnvelopeFormat.maximumRecipients else {
            throw BundleError.misuse("\(recipients.count) recipients")
        }
        self.output = output
        let fileKey = SymmetricKey(size: .bits256)
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255) }
        var start = EnvelopeFormat.magic
        start.appendLittleEndian(EnvelopeFormat.version)
        start.appendLittleEndian(UInt16(recipients.count))
        start += salt
        for recipient in recipients {
            let ephemeral = Curve25519.KeyAgreement.PrivateKey()
            let ephemeralPublic = Array(ephemeral.publicKey.rawRepresentation)
            let shared = try ephemeral.sharedSecretFromKeyAgreement(
                with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipient.rawKey))
            let wrapKey = EnvelopeFormat.wrapKey(shared, ephemeral: ephemeralPublic, recipient: recipient.rawKey)
            let sealed = try ChaChaPoly.seal(
                fileKey.withUnsafeBytes { Array($0) }, using: wrapKey, nonce: try ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12)))
            start += recipient.keyID + ephemeralPublic + Array(sealed.ciphertext) + Array(sealed.tag)
        }
        let metadata = header.fields.encoded()
        start.appendLittleEndian(UInt32(metadata.count))
        start += metadata
        headerChecksum = Array(SHA256.hash(data: start))
        key = EnvelopeFormat.payloadKey(fileKey: fileKey, salt: salt)
        try emit(start + headerChecksum)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !finished else { throw BundleError.misuse("write after finish") }
        pending += bytes
        var start = 0
        while pending.count - start > EnvelopeFormat.chunkSize {
            try seal(Array(pending[start..<start + EnvelopeFormat.chunkSize]), last: false)
            start += EnvelopeFormat.chunkSize
        }
        if start > 0 { pending.removeFirst(start) }
    }

    /// Seals the last chunk and writes the trailer, which repeats the inner bundle's
    /// chain digest in clear; call it after the inner writer's `finish()`, before the
    /// output is committed.
    public func finish(chainDigest: [UInt8]) throws {
        guard !finished else { throw BundleError.misuse("finish twice") }
        try seal(pending, last: true)
        pending = []
        finished = true
        var trailer: [UInt8] = []
        trailer.appendLittleEndian(EnvelopeFormat.trailerMark)
        trailer.appendLittleEndian(chunkIndex)
        trailer += chainDigest
        outerDigest.update(data: trailer)
        try emit(trailer + Array(outerDigest.finalize()) + EnvelopeFormat.endMagic, hashed: false)
    }

    private func seal(_ chunk: [UInt8], last: Bool) throws {
        let box = try ChaChaPoly.seal(
            chunk, using: key, nonce: EnvelopeFormat.nonce(chunkIndex, last: last), authenticating: headerChecksum)
        var frame: [UInt8] = []
        frame.appendLittleEndian(UInt32(box.ciphertext.count + EnvelopeFormat.tagSize))
        frame += box.ciphertext
        frame += box.tag
        chunkIndex += 1
        try emit(frame)
    }

    private func emit(_ bytes: [UInt8], hashed: Bool = true) throws {
        if hashed { outerDigest.update(data: bytes) }
        try bytes.withUnsafeBytes { try output.write($0) }
    }
}
