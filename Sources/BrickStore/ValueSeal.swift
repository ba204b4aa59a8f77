import Crypto
import Foundation

/// Seals and opens the records of one user's item files with a key derived from the
/// store key (docs/FORMAT.md §10.2). Every record (an item's value, a segment of a
/// large one) is sealed on its own, bound to its folder id and Berkeley DB key, so a
/// record copied onto another key, folder or user does not open.
public struct ValueSeal: Sendable {
    /// Format constant: the magic of a sealed record (FORMAT.md §10.2).
    public static let magic: [UInt8] = Array("BRKS".utf8)
    /// Format constant: the version of the sealed record.
    static let version: UInt8 = 1
    /// Bytes a sealed record adds: magic, version, nonce and tag.
    public static let overhead = 4 + 1 + 12 + 16
    static let valueInfo = Array("brick-store-v1 values".utf8)
    static let associatedLabel = Array("brick-store-v1 value".utf8)

    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// The seal of the user whose `sealing` file holds `userSalt`, under `storeKey`.
    public init(storeKey: StoreKey, userSalt: [UInt8]) {
        keyBytes = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: storeKey.bytes), salt: userSalt, info: ValueSeal.valueInfo, outputByteCount: 32
        ).withUnsafeBytes { Array($0) }
    }

    /// The sealed form of `plain`, the record stored under `recordKey` in folder `folder`.
    public func seal(_ plain: [UInt8], folder: FolderID, recordKey: [UInt8]) throws -> [UInt8] {
        let box = try ChaChaPoly.seal(plain, using: key, authenticating: ValueSeal.associatedData(folder: folder, recordKey: recordKey))
        var out = [UInt8]()
        out.reserveCapacity(plain.count + ValueSeal.overhead)
        out += ValueSeal.magic
        out.append(ValueSeal.version)
        out += box.nonce
        out += box.ciphertext
        out += box.tag
        return out
    }

    /// The plain record, or a `StoreError.sealing` when `sealed` is not a sealed record
    /// or does not authenticate under this key for this folder and key.
    public func open(_ sealed: [UInt8], folder: FolderID, recordKey: [UInt8]) throws(StoreError) -> [UInt8] {
        guard ValueSeal.isSealed(sealed), sealed.count >= ValueSeal.overhead else {
            throw .sealing(detail: "record \(ValueSeal.name(folder, recordKey)) is not sealed")
        }
        do {
            let box = try ChaChaPoly.SealedBox(
                nonce: ChaChaPoly.Nonce(data: sealed[5..<17]), ciphertext: sealed[17..<(sealed.count - 16)], tag: sealed.suffix(16))
            return Array(try ChaChaPoly.open(box, using: key, authenticating: ValueSeal.associatedData(folder: folder, recordKey: recordKey)))
        } catch {
            throw .sealing(detail: "record \(ValueSeal.name(folder, recordKey)) does not authenticate (damaged, moved from another key, or another store's)")
        }
    }

    /// True when `record` starts like a sealed record (magic and version).
    public static func isSealed(_ record: [UInt8]) -> Bool {
        record.count >= 5 && record[0..<4].elementsEqual(magic) && record[4] == version
    }

    /// Associated data: the label, the folder id (i64 LE) and the record's key bytes.
    static func associatedData(folder: FolderID, recordKey: [UInt8]) -> [UInt8] {
        var out = associatedLabel
        withUnsafeBytes(of: folder.littleEndian) { out.append(contentsOf: $0) }
        return out + recordKey
    }

    private static func name(_ folder: FolderID, _ recordKey: [UInt8]) -> String {
        if let (item, index) = SegmentKey.parse(recordKey) {
            return "folder \(folder) \(String(decoding: item, as: UTF8.self)) segment \(index)"
        }
        return "folder \(folder) \(String(decoding: recordKey, as: UTF8.self))"
    }
}
