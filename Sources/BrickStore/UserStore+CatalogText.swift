import Foundation
import GRDB

/// The text columns of one item row as a store writes them: in clear, or (catalog text
/// sealed, FORMAT.md §10.6) NULL beside the sealed blob and the sender's blind index.
struct ItemTextColumns {
    /// Format constant: the columns, in the order of `values`.
    static let names = ["from_addr", "from_domain", "from_name", "to_addrs", "cc_addrs", "subject", "sealed_text", "from_addr_mac", "from_domain_mac"]

    var values: [(any DatabaseValueConvertible)?]

    /// The columns for `text` of the row of `key` in `folder`, sealed with `seal` when given.
    init(_ text: CatalogText, seal: CatalogTextSeal?, folder: FolderID, key: String) throws(StoreError) {
        let address = text["from_addr"]
        let domain = address.flatMap(UserStore.domain(of:))
        guard let seal else {
            values = [address, domain, text["from_name"], text["to_addrs"], text["cc_addrs"], text["subject"], nil, nil, nil]
            return
        }
        values = [
            nil, nil, nil, nil, nil, nil, Data(try seal.seal(text, folder: folder, key: key)),
            address.map { Data(seal.addressIndex($0)) }, domain.map { Data(seal.domainIndex($0)) },
        ]
    }
}

extension UserStore {
    /// Whether this store seals its catalog's text columns (FORMAT.md §10.6).
    public var sealsCatalogText: Bool { sealing.sealsCatalogText }

    /// Records the store's catalog text mode in meta `catalog_text` and, when a new store
    /// seals it, drops the triggers that would copy it into the full-text index; refuses
    /// a catalog whose mode differs from its sealing file's.
    func checkCatalogTextRecord(recorded: String?) throws(StoreError) {
        let sealed = sealsCatalogText
        if recorded == "sealed" && !sealed {
            throw .sealing(detail: "the catalog of user \(user) says its text is sealed, but the store's sealing file does not")
        }
        guard sealed && recorded == nil else { return }
        guard isWritable else { throw .readOnly(user: user) }
        try withCatalog { db in
            let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items WHERE subject IS NOT NULL OR from_addr IS NOT NULL") ?? 0
            guard rows == 0 else {
                throw StoreError.sealing(detail: "the store of user \(user) holds catalog text in clear; sealing it in place is not supported")
            }
            try db.execute(sql: """
                DROP TRIGGER IF EXISTS item_text_insert;
                DROP TRIGGER IF EXISTS item_text_reinsert;
                DROP TRIGGER IF EXISTS item_text_update;
                DROP TRIGGER IF EXISTS item_text_delete;
                DELETE FROM item_text;
                INSERT INTO meta(key, value) VALUES ('catalog_text', 'sealed');
                """)
        }
    }

    /// `row` (a whole items row) with its sealed text opened into the clear columns and
    /// the sealed columns removed, in any store: what a bundle carries (FORMAT.md §10.5).
    public func openedItemRow(_ row: CatalogRow) throws(StoreError) -> CatalogRow {
        var row = row
        let sealedText = row["sealed_text"]
        for column in ["sealed_text", "from_addr_mac", "from_domain_mac"] { row[column] = nil }
        guard sealsCatalogText, case .blob(let sealed)? = sealedText else { return row }
        guard let seal = sealing.textSeal else { throw .keyRequired(user: user) }
        let text = try seal.open(sealed, folder: row["folder_id"]?.integer ?? -1, key: row["key"]?.text ?? "")
        for (index, column) in CatalogText.columns.enumerated() { row[column] = text.values[index].map(CatalogValue.text) ?? .null }
        row["from_domain"] = text["from_addr"].flatMap(UserStore.domain(of:)).map(CatalogValue.text) ?? .null
        return row
    }

    /// `row` (a whole items row in clear, from a bundle) as this store writes it: with its
    /// text sealed when the store seals catalog text.
    func storedItemRow(_ row: CatalogRow) throws(StoreError) -> CatalogRow {
        guard sealsCatalogText else { return row }
        guard let seal = sealing.textSeal else { throw .keyRequired(user: user) }
        let columns = try ItemTextColumns(
            CatalogText(row: row), seal: seal, folder: row["folder_id"]?.integer ?? -1, key: row["key"]?.text ?? "")
        var row = row
        for (name, value) in zip(ItemTextColumns.names, columns.values) {
            row[name] = CatalogValue((value?.databaseValue) ?? .null)
        }
        return row
    }

    /// The blind index entry of a hold's sender (an address or `@domain`) in a store
    /// that seals catalog text, else nil.
    func holdSenderIndex(_ sender: String?) throws(StoreError) -> Data? {
        guard sealsCatalogText, let sender else { return nil }
        guard let seal = sealing.textSeal else { throw .keyRequired(user: user) }
        return Data(sender.hasPrefix("@") ? seal.domainIndex(String(sender.dropFirst())) : seal.addressIndex(sender))
    }

    /// `row` (a whole holds row from a bundle) with its sender's blind index entry when
    /// the store seals catalog text.
    func storedHoldRow(_ row: CatalogRow) throws(StoreError) -> CatalogRow {
        var row = row
        if let index = try holdSenderIndex(row["sender"]?.text) { row["sender_mac"] = .blob([UInt8](index)) }
        return row
    }

    /// How the queries of this store reach its catalog text.
    var catalogTextAccess: CatalogTextAccess {
        CatalogTextAccess(sealed: sealsCatalogText, seal: sealing.textSeal, user: user)
    }
}

/// How a query reaches a catalog's text: in clear, sealed with the key at hand, or
/// sealed without it (filters on text are then refused).
struct CatalogTextAccess {
    var sealed: Bool
    var seal: CatalogTextSeal?
    var user: String

    /// Catalog text in clear.
    static func clear(user: String) -> CatalogTextAccess { CatalogTextAccess(sealed: false, seal: nil, user: user) }

    /// The seal, or the error that a text filter needs the key.
    func requireSeal() throws(StoreError) -> CatalogTextSeal {
        guard let seal else { throw .catalogTextSealed(user: user) }
        return seal
    }
}
