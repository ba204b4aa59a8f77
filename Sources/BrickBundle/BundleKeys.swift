import Crypto
import Foundation

/// A recipient of encrypted bundles: an X25519 public key, with a short text form
/// (`brick-public-…`) to paste into a config file or a command line.
public struct BundleRecipient: Sendable, Equatable {
    /// The raw public key (32 bytes).
    public let rawKey: [UInt8]

    /// The key's id: the first 8 bytes of SHA-256 of "brick key id" and the key. Bundles
    /// name their recipients by id, never by key.
    public var keyID: [UInt8] { BundleKeys.keyID(rawKey) }
    /// The key id in hex, as `bundles list` shows it.
    public var keyIDText: String { keyID.map { String(format: "%02x", $0) }.joined() }
    /// The text form.
    public var text: String { BundleKeys.encode(rawKey, prefix: BundleKeys.publicPrefix) }

    /// Parses the text form; throws on a wrong prefix, length or check.
    public init(text: String) throws(BundleError) {
        rawKey = try BundleKeys.decode(text.trimmingCharacters(in: .whitespacesAndNewlines), prefix: BundleKeys.publicPrefix)
        guard (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: rawKey)) != nil else {
            throw .badKey("not an X25519 public key")
        }
    }

    init(rawKey: [UInt8]) { self.rawKey = rawKey }
}

/// The private half: what `import` and `bundles verify` need to read encrypted bundles.
/// Kept off the backup host; its text form starts `BRICK-SECRET-`.
public struct BundleIdentity: Sendable {
    private let rawPrivateKey: [UInt8]

    var privateKey: Curve25519.KeyAgreement.PrivateKey {
        // The bytes were checked to be a key when this identity was made.
        try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: rawPrivateKey)
    }

    /// A new random key pair.
    public static func generate() -> BundleIdentity {
        BundleIdentity(rawPrivateKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation))
    }

    /// Parses the text form (surrounding white space and `#` comment lines ignored, so a
    /// key file may say what it is).
    public init(text: String) throws(BundleError) {
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") } ?? ""
        let raw = try BundleKeys.decode(line, prefix: BundleKeys.secretPrefix)
        guard (try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)) != nil else {
            throw .badKey("not an X25519 private key")
        }
        rawPrivateKey = raw
    }

    private init(rawPrivateKey: [UInt8]) { self.rawPrivateKey = rawPrivateKey }

    /// The matching recipient.
    public var recipient: BundleRecipient { BundleRecipient(rawKey: Array(privateKey.publicKey.rawRepresentation)) }
    /// The text form. Never log it.
    public var text: String { BundleKeys.encode(rawPrivateKey, prefix: BundleKeys.secretPrefix) }
}

/// Text forms of keys (docs/FORMAT.md §9.1): a prefix, then base64url without padding
/// of the 32 key bytes followed by the first 4 bytes of their SHA-256, so a mistyped
/// key is caught.
enum BundleKeys {
    static let publicPrefix = "brick-public-"
    static let secretPrefix = "BRICK-SECRET-"

    static func keyID(_ rawKey: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: Array("brick key id".utf8) + rawKey).prefix(8))
    }

    static func encode(_ raw: [UInt8], prefix: String) -> String {
        let check = Array(SHA256.hash(data: raw).prefix(4))
        return prefix + Data(raw + check).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String, prefix: String) throws(BundleError) -> [UInt8] {
        guard text.hasPrefix(prefix) else { throw .badKey("expected a key starting \(prefix)") }
        var body = String(text.dropFirst(prefix.count))
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while body.count % 4 != 0 { body += "=" }
        guard let data = Data(base64Encoded: body), data.count == 36 else { throw .badKey("wrong length") }
        let bytes = Array(data)
        guard Array(SHA256.hash(data: Array(bytes[0..<32])).prefix(4)) == Array(bytes[32...]) else {
            throw .badKey("check digits do not match (mistyped?)")
        }
        return Array(bytes[0..<32])
    }
}
