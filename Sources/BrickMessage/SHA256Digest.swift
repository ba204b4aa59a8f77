import Crypto

/// SHA-256 through swift-crypto, the one implementation Brick uses (the store's item
/// digests come from it too). What is hashed gives a digest its name: the store's
/// `sha256` is of the raw bytes; `MessageFingerprint.digestIdentity` and
/// `MessageFingerprint.contentDigest` are of a message's canonical CRLF form.
public enum SHA256Digest {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    /// The 32-byte digest of the bytes in `buffer`.
    public static func digest(_ buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: UnsafeRawBufferPointer(buffer)))
    }

    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func hex(_ bytes: [UInt8]) -> String {
        hexString(digest(bytes))
    }

    /// `bytes` as lowercase hex digits.
    static func hexString(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
