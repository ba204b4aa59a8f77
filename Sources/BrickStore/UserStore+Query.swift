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
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            var paths: [String: FolderPath] = [:]
            while let row = try rows.next() {
                let text: String = row["folder_path"]
                let path = paths[text] ?? FolderPath(parsing: text)
                paths[text] = path
                try body(CatalogItem(row: row, folderPath: path))
            }
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

    /// Builds the SQL for a query. Folder filters resolve to ids first (the folder table
    /// is small), so the item scan uses plain indexed comparisons.
    func sqlSelecting(_ query: ItemQuery) throws(StoreError) -> (String, StatementArguments) {
        var (conditions, arguments) = try filterConditions(query)
        if !query.folders.isEmpty {
            let ids = try folderIDs(for: query.folders, recursive: query.recursive)
            conditions.append("i.folder_id IN (\(ids.map(String.init).joined(separator: ",")))")
        }
        var sql = """
            SELECT i.*, f.path AS folder_path FROM items i JOIN folders f ON f.id = i.folder_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY f.path, i.received_at, i.key
            """
        if let limit = query.limit { sql += " LIMIT \(limit)" }
        return (sql, StatementArguments(arguments))
    }

    /// The query's conditions on the items alias `i`, except the folder filter.
    func filterConditions(_ query: ItemQuery) throws(StoreError) -> ([String], [(any DatabaseValueConvertible)?]) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let sender = query.sender?.lowercased().trimmingCharacters(in: .whitespaces), !sender.isEmpty {
            if sender.hasPrefix("@") {
                conditions.append("i.from_domain = ?")
                arguments.append(String(sender.dropFirst()))
            } else {
                conditions.append("i.from_addr = ?")
                arguments.append(sender)
            }
        }
        let dateColumn = query.dateField == .received ? "i.received_at" : "i.sent_at"
        if let begin = query.periodBegin {
            conditions.append("\(dateColumn) >= ?")
            arguments.append(Int64(begin.timeIntervalSince1970.rounded(.down)))
        }
        if let end = query.periodEnd {
            conditions.append("\(dateColumn) < ?")
            arguments.append(Int64(end.timeIntervalSince1970.rounded(.up)))
        }
        if !query.keys.isEmpty {
            conditions.append("i.key IN (\(query.keys.map { _ in "?" }.joined(separator: ",")))")
            arguments += query.keys.map(\.rawValue)
        }
        if let asOf = query.asOf {
            let run = try lastBackupRun(onOrBefore: asOf) ?? -1
            conditions.append("i.added_run <= ? AND (i.deleted_run IS NULL OR i.deleted_run > ?)")
            arguments += [run, run]
        } else {
            switch query.deleted {
            case .no: conditions.append("i.deleted_run IS NULL")
            case .only: conditions.append("i.deleted_run IS NOT NULL")
            case .yes: break
            }
        }
        return (conditions, arguments)
    }

    /// Ids of the folders at `paths` (deleted ones too: restoring a deleted folder is a
    /// main use), with their subfolders when `recursive`.
    func folderIDs(for paths: [FolderPath], recursive: Bool) throws(StoreError) -> [FolderID] {
        let all = try folders(includeDeleted: true)
        var ids: [FolderID] = []
        for path in paths {
            let matches = all.filter { recursive ? $0.path.isWithin(path) : $0.path == path }
            if matches.isEmpty { throw .folderNotFound(user: user, folder: path.description) }
            ids += matches.map(\.id)
        }
        return ids
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
