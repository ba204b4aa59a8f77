import Crypto
import Foundation

/// Seals the text columns of a user's catalog rows (subject, sender name and address,
/// recipients) and computes the keyed blind index of sender addresses and domains, with
/// keys derived from the store key and the user's salt (docs/FORMAT.md §10.6).
public struct CatalogTextSeal: Sendable {
    /// Format constant: the magic of a sealed text blob (FORMAT.md §10.6).
    static let magic: [UInt8] = Array("BRKT".utf8)
    /// Format constant: the version of the sealed text blob.
    static let version: UInt8 = 1
    static let textInfo = Array("brick-store-v1 catalog-text".utf8)
    static let indexInfo = Array("brick-store-v1 catalog-index".utf8)
    static let associatedLabel = Array("brick-store-v1 catalog-text".utf8)
    /// Format constant: bytes of a blind index entry (the first 16 of the HMAC).
    static let indexBytes = 16

    private let textKeyBytes: [UInt8]
    private let indexKeyBytes: [UInt8]
    private var textKey: SymmetricKey { SymmetricKey(data: textKeyBytes) }
    private var indexKey: SymmetricKey { SymmetricKey(data: indexKeyBytes) }

    /// The seal of the user whose `sealing` file holds `userSalt`, under `storeKey`.
    public init(storeKey: StoreKey, userSalt: [UInt8]) {
        let master = SymmetricKey(data: storeKey.bytes)
        textKeyBytes = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, salt: userSalt, info: CatalogTextSeal.textInfo, outputByteCount: 32)
            .withUnsafeBytes { Array($0) }
        indexKeyBytes = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, salt: userSalt, info: CatalogTextSeal.indexInfo, outputByteCount: 32)
            .withUnsafeBytes { Array($0) }
    }

    /// The blind index entry of a sender address (lowercased before hashing).
    public func addressIndex(_ address: String) -> [UInt8] { index("address " + address.lowercased()) }

    /// The blind index entry of a sender domain (without `@`, lowercased before hashing).
    public func domainIndex(_ domain: String) -> [UInt8] { index("domain " + domain.lowercased()) }

    private func index(_ text: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: indexKey).prefix(CatalogTextSeal.indexBytes))
    }

    /// The sealed form of `text`, for the row of item `key` in folder `folder`.
    func seal(_ text: CatalogText, folder: FolderID, key: String) throws(StoreError) -> [UInt8] {
        do {
            let box = try ChaChaPoly.seal(text.encoded, using: textKey, authenticating: Self.associatedData(folder: folder, key: key))
            return Self.magic + [Self.version] + Array(box.nonce) + Array(box.ciphertext) + Array(box.tag)
        } catch {
            throw .sealing(detail: "cannot seal the catalog text of folder \(folder) \(key): \(error)")
        }
    }

    /// The text sealed in `sealed`, or a `StoreError.sealing` when it does not open for
    /// this row.
    func open(_ sealed: [UInt8], folder: FolderID, key: String) throws(StoreError) -> CatalogText {
        let overhead = 4 + 1 + 12 + 16
        guard sealed.count >= overhead, sealed[0..<4].elementsEqual(Self.magic), sealed[4] == Self.version,
              let box = try? ChaChaPoly.SealedBox(
                  nonce: ChaChaPoly.Nonce(data: sealed[5..<17]), ciphertext: sealed[17..<(sealed.count - 16)], tag: sealed.suffix(16)),
              let plain = try? ChaChaPoly.open(box, using: textKey, authenticating: Self.associatedData(folder: folder, key: key)),
              let text = CatalogText(encoded: [UInt8](plain))
        else { throw .sealing(detail: "the catalog text of folder \(folder) \(key) does not open (damaged, moved, or another store's)") }
        return text
    }

    /// Associated data: the label, the folder id (i64 LE) and the item key's bytes.
    static func associatedData(folder: FolderID, key: String) -> [UInt8] {
        var out = associatedLabel
        withUnsafeBytes(of: folder.littleEndian) { out.append(contentsOf: $0) }
        return out + Array(key.utf8)
    }
}

/// The text columns of an item row that a store with sealed catalog text seals, in
/// the order of their encoding (FORMAT.md §10.6).
struct CatalogText: Equatable {
    /// Format constant: the columns, in encoding order.
    static let columns = ["subject", "from_name", "from_addr", "to_addrs", "cc_addrs"]

    var values: [String?]

    /// The text columns of `row`.
    init(row: CatalogRow) {
        values = Self.columns.map { row[$0]?.text }
    }

    init(values: [String?]) { self.values = values }

    /// Each column: one byte 0 (NULL) or 1, then a u32 LE length and that many UTF-8 bytes.
    var encoded: [UInt8] {
        var out: [UInt8] = []
        for value in values {
            guard let value else { out.append(0); continue }
            let bytes = Array(value.utf8)
            out.append(1)
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { out.append(contentsOf: $0) }
            out += bytes
        }
        return out
    }

    init?(encoded: [UInt8]) {
        var values: [String?] = []
        var at = 0
        for _ in Self.columns {
            guard at < encoded.count else { return nil }
            let present = encoded[at]
            at += 1
            if present == 0 { values.append(nil); continue }
            guard present == 1, at + 4 <= encoded.count else { return nil }
            let length = Int(encoded[at]) | Int(encoded[at + 1]) << 8 | Int(encoded[at + 2]) << 16 | Int(encoded[at + 3]) << 24
            at += 4
            guard at + length <= encoded.count else { return nil }
            values.append(String(decoding: encoded[at..<(at + length)], as: UTF8.self))
            at += length
        }
        guard at == encoded.count else { return nil }
        self.values = values
    }

    /// The value of `column`.
    subscript(column: String) -> String? {
        Self.columns.firstIndex(of: column).flatMap { values[$0] }
    }
}
