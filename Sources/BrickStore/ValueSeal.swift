import Crypto
import Foundation
import LibCrypto

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

    private let cipher: ChaCha20Poly1305

    /// The seal of the user whose `sealing` file holds `userSalt`, under `storeKey`.
    public init(storeKey: StoreKey, userSalt: [UInt8]) {
        cipher = ChaCha20Poly1305(key: HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: storeKey.bytes), salt: userSalt, info: ValueSeal.valueInfo, outputByteCount: 32
        ).withUnsafeBytes { Array($0) })
    }

    /// The sealed form of `plain`, the record stored under `recordKey` in folder `folder`:
    /// written in one pass into the one array returned (FORMAT.md §10.2).
    public func seal(_ plain: [UInt8], folder: FolderID, recordKey: [UInt8]) throws -> [UInt8] {
        let count = plain.count + ValueSeal.overhead
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try plain.withUnsafeBytes { plain in
                try seal(plain, folder: folder, recordKey: recordKey, into: UnsafeMutableRawBufferPointer(buffer))
            }
            initialized = count
        }
    }

    /// Seals the record in `plain` into `out`, which must hold exactly
    /// `plain.count + overhead` bytes (a buffer the caller owns and may reuse).
    func seal(_ plain: UnsafeRawBufferPointer, folder: FolderID, recordKey: [UInt8], into out: UnsafeMutableRawBufferPointer) throws {
        precondition(out.count == plain.count + ValueSeal.overhead, "a sealed record is its plain form plus \(ValueSeal.overhead) bytes")
        let tagStart = out.count - ChaCha20Poly1305.tagCount
        out.copyBytes(from: ValueSeal.magic)
        out[4] = ValueSeal.version
        let nonceSlot = UnsafeMutableRawBufferPointer(rebasing: out[5..<17])
        ChaChaPoly.Nonce().withUnsafeBytes { nonceSlot.copyMemory(from: $0) }
        try ValueSeal.associatedData(folder: folder, recordKey: recordKey).withUnsafeBytes { associated in
            try cipher.seal(
                plain, nonce: UnsafeRawBufferPointer(nonceSlot), associatedData: associated,
                into: UnsafeMutableRawBufferPointer(rebasing: out[17..<tagStart]),
                tag: UnsafeMutableRawBufferPointer(rebasing: out[tagStart...]))
        }
    }

    /// The plain record, or a `StoreError.sealing` when `sealed` is not a sealed record
    /// or does not authenticate under this key for this folder and key.
    public func open(_ sealed: [UInt8], folder: FolderID, recordKey: [UInt8]) throws(StoreError) -> [UInt8] {
        try sealed.withUnsafeBytes { sealed in
            Result { () throws(StoreError) in try open(sealed, folder: folder, recordKey: recordKey) }
        }.get()
    }

    /// The plain record of the sealed record in `sealed` (a buffer the caller owns, such
    /// as the one Berkeley DB read it into), decrypted straight into the array returned.
    func open(_ sealed: UnsafeRawBufferPointer, folder: FolderID, recordKey: [UInt8]) throws(StoreError) -> [UInt8] {
        guard ValueSeal.isSealed(sealed), sealed.count >= ValueSeal.overhead else {
            throw .sealing(detail: "record \(ValueSeal.name(folder, recordKey)) is not sealed")
        }
        let associated = ValueSeal.associatedData(folder: folder, recordKey: recordKey)
        let count = sealed.count - ValueSeal.overhead
        do {
            return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                try associated.withUnsafeBytes { associated in
                    try cipher.open(
                        UnsafeRawBufferPointer(rebasing: sealed[17..<(17 + count)]),
                        tag: UnsafeRawBufferPointer(rebasing: sealed[(17 + count)...]),
                        nonce: UnsafeRawBufferPointer(rebasing: sealed[5..<17]),
                        associatedData: associated, into: UnsafeMutableRawBufferPointer(buffer))
                }
                initialized = count
            }
        } catch LibCryptoError.authenticationFailed {
            throw .sealing(detail: "record \(ValueSeal.name(folder, recordKey)) does not authenticate (damaged, moved from another key, or another store's)")
        } catch {
            throw .sealing(detail: "record \(ValueSeal.name(folder, recordKey)) could not be opened: \(error)")
        }
    }

    /// True when `record` starts like a sealed record (magic and version).
    public static func isSealed(_ record: [UInt8]) -> Bool {
        record.withUnsafeBytes { isSealed($0) }
    }

    /// Bytes at the start of a record that say whether it is sealed (magic and version).
    static let markLength = 5

    /// True when the bytes in `record` start like a sealed record.
    static func isSealed(_ record: UnsafeRawBufferPointer) -> Bool {
        record.count >= markLength && record[0..<4].elementsEqual(magic) && record[4] == version
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
