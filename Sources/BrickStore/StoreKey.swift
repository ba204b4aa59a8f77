import Crypto
import Foundation

/// The key that seals a store's item values (docs/FORMAT.md §10): 32 random bytes,
/// drawn once by `init --encrypt` and kept on disk only wrapped (`WrappedStoreKey`).
public struct StoreKey: Sendable {
    /// The raw key. Never logged, never written in clear.
    let bytes: [UInt8]

    /// Format constant: what a key id is made from (FORMAT.md §10.1).
    static let keyIDLabel = Array("brick store key id".utf8)

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// A new random key.
    public static func generate() -> StoreKey {
        StoreKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// The key's id: the first 8 bytes of SHA-256 of "brick store key id" and the key.
    public var keyID: [UInt8] { Array(SHA256.hash(data: StoreKey.keyIDLabel + bytes).prefix(8)) }
    /// The key id in hex, as `stats` and the files name it.
    public var keyIDText: String { Hex.encode(keyID) }
}

/// What unwraps a store key: the contents of a key file, or a passphrase. Read from a
/// file or the environment by the command layer, never from the command line.
public enum StoreKeySecret: Sendable {
    /// The 32 bytes of a key file (`BRICK-UNLOCK-` and 64 hex digits).
    case keyFile([UInt8])
    /// A passphrase's UTF-8 bytes.
    case passphrase([UInt8])

    /// Format constant: the prefix of a key file's key line (FORMAT.md §10.1).
    public static let keyFilePrefix = "BRICK-UNLOCK-"

    /// A new random key file secret.
    public static func generateKeyFile() -> StoreKeySecret {
        .keyFile(StoreKey.generate().bytes)
    }

    /// Parses a key file's text: the first line that is not empty or a `#` comment.
    public init(keyFileText text: String) throws(StoreError) {
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") } ?? ""
        guard line.hasPrefix(StoreKeySecret.keyFilePrefix),
              let bytes = Hex.decode(String(line.dropFirst(StoreKeySecret.keyFilePrefix.count))), bytes.count == 32
        else { throw .sealing(detail: "a key file holds one line \(StoreKeySecret.keyFilePrefix) and 64 hex digits") }
        self = .keyFile(bytes)
    }

    /// A passphrase: its text without a final newline (as read from a file).
    public init(passphrase text: String) throws(StoreError) {
        var text = text
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        guard !text.isEmpty else { throw .sealing(detail: "the passphrase is empty") }
        self = .passphrase(Array(text.utf8))
    }

    /// The text of a key file holding this secret (nil for a passphrase).
    public var keyFileText: String? {
        guard case .keyFile(let bytes) = self else { return nil }
        return "# Brick store unlock key: keep it apart from the store (mode 0600)\n"
            + StoreKeySecret.keyFilePrefix + Hex.encode(bytes) + "\n"
    }
}

/// Lower-case hex, as the key files write bytes.
enum Hex {
    static func encode(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func decode(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
