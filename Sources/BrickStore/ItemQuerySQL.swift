import BrickCore
import Foundation
import GRDB

/// Turns an `ItemQuery` into SQL over one catalog. Folder filters resolve to ids first
/// (the folder table is small), so the item scan uses plain indexed comparisons; text
/// filters go through the FTS5 table `item_text` (docs/FORMAT.md §4). In a store whose
/// catalog text is sealed (§10.6) sender filters use the blind index and text filters
/// an in-memory index of the opened rows (`SealedTextSearch`), both needing the key.
enum ItemQuerySQL {
    /// The SELECT for `query`, ordered by folder path, received date and key.
    static func select(_ query: ItemQuery, db: GRDB.Database, user: String, text: CatalogTextAccess) throws -> (String, StatementArguments) {
        var (conditions, arguments) = try conditions(query, db: db, text: text)
        if !query.folders.isEmpty {
            let ids = try folderIDs(for: query.folders, recursive: query.recursive, db: db, user: user)
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
    static func conditions(
        _ query: ItemQuery, db: GRDB.Database, text: CatalogTextAccess
    ) throws -> ([String], [(any DatabaseValueConvertible)?]) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let sender = query.sender?.lowercased().trimmingCharacters(in: .whitespaces), !sender.isEmpty {
            if text.sealed {
                let seal = try text.requireSeal()
                let domain = sender.hasPrefix("@")
                conditions.append(domain ? "i.from_domain_mac = ?" : "i.from_addr_mac = ?")
                arguments.append(Data(domain ? seal.domainIndex(String(sender.dropFirst())) : seal.addressIndex(sender)))
            } else if sender.hasPrefix("@") {
                conditions.append("i.from_domain = ?")
                arguments.append(String(sender.dropFirst()))
            } else {
                // A contact's other e-mail addresses are in to_addrs (FORMAT.md §4).
                conditions.append("(i.from_addr = ? OR (i.kind = 'contact' AND (', ' || i.to_addrs || ', ') LIKE ? ESCAPE '\\'))")
                let escaped = sender.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_")
                arguments += [sender, "%, " + escaped + ", %"]
            }
        }
        let dateColumn = query.dateField == .received ? "i.received_at" : "i.sent_at"
        // Events and tasks with a start match a period they overlap, from their start
        // to the end of their last occurrence (open-ended series: forever).
        let dated = "i.kind IS NOT NULL AND i.sent_at IS NOT NULL"
        if let begin = query.periodBegin {
            conditions.append("""
                (CASE WHEN \(dated) THEN (i.sent_at >= ? OR COALESCE(i.ends_at, CASE WHEN i.open_ended = 1 \
                THEN 9223372036854775807 ELSE i.sent_at END) > ?) ELSE \(dateColumn) >= ? END)
                """)
            let seconds = Int64(begin.timeIntervalSince1970.rounded(.down))
            arguments += [seconds, seconds, seconds]
        }
        if let end = query.periodEnd {
            conditions.append("(CASE WHEN \(dated) THEN i.sent_at < ? ELSE \(dateColumn) < ? END)")
            let seconds = Int64(end.timeIntervalSince1970.rounded(.up))
            arguments += [seconds, seconds]
        }
        if !query.keys.isEmpty {
            conditions.append("i.key IN (\(query.keys.map { _ in "?" }.joined(separator: ",")))")
            arguments += query.keys.map(\.rawValue)
        }
        var match: [String] = []
        if let text = query.text { match.append("(\(TextQuery.fts(text)))") }
        if let subject = query.subject { match.append("subject : (\(TextQuery.fts(subject)))") }
        if !match.isEmpty && text.sealed {
            let ids = try SealedTextSearch.matchingIDs(db: db, seal: try text.requireSeal(), match: match.joined(separator: " AND "))
            conditions.append("i.id IN (\(ids.map(String.init).joined(separator: ",")))")
        } else if !match.isEmpty {
            conditions.append("i.id IN (SELECT rowid FROM item_text WHERE item_text MATCH ?)")
            arguments.append(match.joined(separator: " AND "))
        }
        if let asOf = query.asOf {
            let run = try RunID.fetchOne(
                db, sql: "SELECT MAX(id) FROM runs WHERE kind = 'backup' AND started_at <= ?",
                arguments: [Int64(asOf.timeIntervalSince1970)]) ?? -1
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
    static func folderIDs(for paths: [FolderPath], recursive: Bool, db: GRDB.Database, user: String) throws -> [FolderID] {
        let all = try Row.fetchAll(db, sql: "SELECT * FROM folders ORDER BY path, id").map(StoredFolder.init(row:))
        var ids: [FolderID] = []
        for path in paths {
            let matches = all.filter { recursive ? $0.path.isWithin(path) : $0.path == path }
            if matches.isEmpty { throw StoreError.folderNotFound(user: user, folder: path.description) }
            ids += matches.map(\.id)
        }
        return ids
    }
}
