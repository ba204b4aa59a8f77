import BrickCore
import Foundation
import GRDB

extension UserStore {
    /// The items `query` selects, ordered by folder path and received date.
    public func items(matching query: ItemQuery) throws(StoreError) -> [CatalogItem] {
        var result: [CatalogItem] = []
        try forEachItem(matching: query) { result.append($0) }
        return result
    }

    /// Calls `body` for each item `query` selects, streaming from the catalog so memory
    /// stays flat however many rows match.
    public func forEachItem(matching query: ItemQuery, _ body: (CatalogItem) throws -> Void) throws(StoreError) {
        let (sql, arguments) = try sqlSelecting(query)
        try readCatalog { db in
            try CatalogItem.forEach(in: db, sql: sql, arguments: arguments, textSeal: sealing.textSeal, body)
        }
    }

    /// Number and raw bytes of the items `query` selects.
    public func count(matching query: ItemQuery) throws(StoreError) -> (items: Int, bytes: Int64) {
        let (sql, arguments) = try sqlSelecting(query)
        return try readCatalog { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM (\(sql))", arguments: arguments)!
            return (row[0], row[1])
        }
    }

    /// Builds the SQL for a query (see `ItemQuerySQL`).
    func sqlSelecting(_ query: ItemQuery) throws(StoreError) -> (String, StatementArguments) {
        let text = catalogTextAccess
        return try readCatalog { db in try ItemQuerySQL.select(query, db: db, user: user, text: text) }
    }

    /// The query's conditions on the items alias `i`, except the folder filter.
    func filterConditions(_ query: ItemQuery) throws(StoreError) -> ([String], [(any DatabaseValueConvertible)?]) {
        let text = catalogTextAccess
        return try readCatalog { db in try ItemQuerySQL.conditions(query, db: db, text: text) }
    }

    /// Ids of the folders at `paths` (deleted ones too), with their subfolders when `recursive`.
    func folderIDs(for paths: [FolderPath], recursive: Bool) throws(StoreError) -> [FolderID] {
        try readCatalog { db in try ItemQuerySQL.folderIDs(for: paths, recursive: recursive, db: db, user: user) }
    }

    /// Reads one item back: its header and its raw bytes, checked against the catalog's
    /// SHA-256. An item sharing another's bytes is read through its reference. The
    /// bytes are held whole: read a large message with `openBody` instead.
    public func readItem(_ item: CatalogItem) throws(StoreError) -> (header: ItemHeader, raw: [UInt8]) {
        mutex.lock()
        defer { mutex.unlock() }
        let reference = BodyReference(folderID: item.folderID, key: item.key)
        guard let value = try holderValue(reference) else {
            throw .itemNotFound(user: user, folder: item.folderPath.description, key: item.key.rawValue)
        }
        do {
            var holder = value
            var holderItem = reference
            if case .shared(let shared) = try ItemValue.decodeHeader(value).1 {
                guard let bytes = try holderValue(shared) else {
                    throw StoreError.damagedItem(
                        user: user, folder: item.folderPath.description, key: item.key.rawValue,
                        detail: "the item holding its bytes (\(shared)) is missing")
                }
                holder = bytes
                holderItem = shared
            }
            let header: ItemHeader
            let raw: [UInt8]
            if case .segmented = try ItemValue.decodeHeader(holder).1 {
                header = try ItemValue.decodeHeader(value).0
                raw = try readWhole(header: header, holder: holderItem, holderValue: holder)
            } else {
                (header, raw) = try ItemValue.decode(value, frameFrom: holder, decompressor: decompressor)
            }
            guard header.sha256 == item.sha256, try ItemValue.decodeHeader(holder).0.sha256 == item.sha256 else {
                throw StoreError.damagedItem(user: user, folder: item.folderPath.description, key: item.key.rawValue, detail: "stored value is of different bytes than the catalog row")
            }
            return (header, raw)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .damagedItem(user: user, folder: item.folderPath.description, key: item.key.rawValue, detail: "\(error)")
        }
    }
}

extension CatalogItem {
    /// Calls `body` for each row of `sql` (an `ItemQuerySQL` select), read with a cursor
    /// so memory stays flat; folder paths are parsed once per folder.
    static func forEach(
        in db: Database, sql: String, arguments: StatementArguments, textSeal: CatalogTextSeal?, _ body: (CatalogItem) throws -> Void
    ) throws {
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        var paths: [String: FolderPath] = [:]
        while let row = try rows.next() {
            let text: String = row["folder_path"]
            let path = paths[text] ?? FolderPath(parsing: text)
            paths[text] = path
            try body(CatalogItem(row: row, folderPath: path, textSeal: textSeal))
        }
    }
}
