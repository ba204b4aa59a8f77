import Crypto
import _CryptoExtras
import Foundation

/// The store key as kept on disk, in `<root>/store-key` (docs/FORMAT.md §10.1): its id
/// and one or more slots, each the key sealed under a key-encryption key derived from a
/// key file (HKDF-SHA256) or a passphrase (scrypt).
public struct WrappedStoreKey: Sendable, Equatable {
    /// One way to unwrap the key.
    public struct Slot: Sendable, Equatable {
        /// How the slot's key-encryption key is derived.
        public enum Derivation: Sendable, Equatable {
            /// HKDF-SHA256 of a key file's 32 bytes.
            case keyFile
            /// scrypt of a passphrase with N = 2^logN, r, p.
            case scrypt(logN: Int, r: Int, p: Int)
        }
        var derivation: Derivation
        var salt: [UInt8]
        var nonce: [UInt8]
        var sealed: [UInt8]
    }

    /// Format constant: the file's name in the store root (FORMAT.md §10.1).
    public static let fileName = "store-key"
    /// Format constant: scrypt cost for new passphrase slots, N = 2^15, r = 8, p = 1
    /// (32 MiB, about 0.1 s), as the scrypt paper recommends for interactive use.
    static let scryptCost = Slot.Derivation.scrypt(logN: 15, r: 8, p: 1)
    static let keyFileInfo = Array("brick-store-v1 key-file".utf8)
    static let wrapLabel = Array("brick-store-v1 key ".utf8)

    /// The id of the key it holds.
    public var keyID: [UInt8]
    var slots: [Slot]

    /// Wraps `key` for every one of `secrets`.
    public init(key: StoreKey, secrets: [StoreKeySecret]) throws(StoreError) {
        keyID = key.keyID
        slots = []
        for secret in secrets {
            let salt = StoreKey.generate().bytes.prefix(16)
            let derivation: Slot.Derivation = if case .keyFile = secret { .keyFile } else { WrappedStoreKey.scryptCost }
            let kek = try WrappedStoreKey.derive(secret, derivation, salt: Array(salt))
            do {
                let box = try ChaChaPoly.seal(key.bytes, using: kek, authenticating: WrappedStoreKey.wrapLabel + keyID)
                slots.append(Slot(derivation: derivation, salt: Array(salt), nonce: Array(box.nonce), sealed: Array(box.ciphertext + box.tag)))
            } catch {
                throw .sealing(detail: "wrapping the store key: \(error)")
            }
        }
    }

    /// The key, unwrapped by the first slot `secret` opens; nil when none does.
    public func unwrap(with secret: StoreKeySecret) throws(StoreError) -> StoreKey? {
        for slot in slots {
            switch (secret, slot.derivation) {
            case (.keyFile, .keyFile), (.passphrase, .scrypt): break
            default: continue
            }
            let kek = try WrappedStoreKey.derive(secret, slot.derivation, salt: slot.salt)
            guard slot.sealed.count == 48,
                  let box = try? ChaChaPoly.SealedBox(nonce: ChaChaPoly.Nonce(data: slot.nonce), ciphertext: slot.sealed.prefix(32), tag: slot.sealed.suffix(16)),
                  let opened = try? ChaChaPoly.open(box, using: kek, authenticating: WrappedStoreKey.wrapLabel + keyID)
            else { continue }
            let key = StoreKey(bytes: Array(opened))
            guard key.keyID == keyID else { continue }
            return key
        }
        return nil
    }

    private static func derive(_ secret: StoreKeySecret, _ derivation: Slot.Derivation, salt: [UInt8]) throws(StoreError) -> SymmetricKey {
        switch (secret, derivation) {
        case (.keyFile(let bytes), _):
            return HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: bytes), salt: salt, info: keyFileInfo, outputByteCount: 32)
        case (.passphrase(let bytes), .scrypt(let logN, let r, let p)):
            guard (10...22).contains(logN), (1...32).contains(r), (1...16).contains(p) else {
                throw .sealing(detail: "scrypt parameters out of range")
            }
            do {
                return try KDF.Scrypt.deriveKey(from: bytes, salt: salt, outputByteCount: 32, rounds: 1 << logN, blockSize: r, parallelism: p)
            } catch {
                throw .sealing(detail: "scrypt: \(error)")
            }
        case (.passphrase, .keyFile):
            throw .sealing(detail: "a passphrase does not open a key-file slot")
        }
    }
}

extension WrappedStoreKey {
    /// The file's text (FORMAT.md §10.1).
    public var text: String {
        var lines = ["brick-store-key 1", "key-id \(Hex.encode(keyID))"]
        for slot in slots {
            let tail = "\(Hex.encode(slot.salt)) \(Hex.encode(slot.nonce)) \(Hex.encode(slot.sealed))"
            switch slot.derivation {
            case .keyFile: lines.append("slot key-file \(tail)")
            case .scrypt(let logN, let r, let p): lines.append("slot scrypt \(logN) \(r) \(p) \(tail)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses the file's text; `path` names it in errors.
    public init(text: String, path: String) throws(StoreError) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: " ").map(String.init) }
        guard lines.first == ["brick-store-key", "1"], lines.count >= 3, lines[1].count == 2, lines[1][0] == "key-id",
              let id = Hex.decode(lines[1][1]), id.count == 8
        else { throw .sealing(detail: "\(path) is not a Brick store key file of version 1") }
        keyID = id
        slots = []
        for fields in lines.dropFirst(2) {
            let derivation: Slot.Derivation
            let rest: ArraySlice<String>
            if fields.count == 5, fields[0] == "slot", fields[1] == "key-file" {
                derivation = .keyFile
                rest = fields[2...]
            } else if fields.count == 8, fields[0] == "slot", fields[1] == "scrypt",
                      let logN = Int(fields[2]), let r = Int(fields[3]), let p = Int(fields[4]) {
                derivation = .scrypt(logN: logN, r: r, p: p)
                rest = fields[5...]
            } else {
                throw .sealing(detail: "\(path): unreadable line \(fields.joined(separator: " ").prefix(40))")
            }
            let parts = rest.map(Hex.decode)
            guard let salt = parts[parts.startIndex], let nonce = parts[parts.startIndex + 1], let sealed = parts[parts.startIndex + 2],
                  salt.count == 16, nonce.count == 12, sealed.count == 48
            else { throw .sealing(detail: "\(path): a slot of the wrong size") }
            slots.append(Slot(derivation: derivation, salt: salt, nonce: nonce, sealed: sealed))
        }
    }
}
