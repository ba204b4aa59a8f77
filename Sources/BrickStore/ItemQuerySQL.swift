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
            let all = try Row.fetchAll(db, sql: "SELECT id, path FROM folders").map { (id: $0[0] as FolderID, path: FolderPath(parsing: $0[1])) }
            conditions.append(try folderCondition(query, folders: all, user: user))
        }
        return (statement(columns: "i.*, f.path AS folder_path", conditions: conditions, limit: query.limit), StatementArguments(arguments))
    }

    /// The SELECT of `columns` (of the items alias `i` and the folders alias `f`) where
    /// every condition holds, ordered by folder path, received date and key.
    static func statement(columns: String, conditions: [String], limit: Int?) -> String {
        var sql = """
            SELECT \(columns) FROM items i JOIN folders f ON f.id = i.folder_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY f.path, i.received_at, i.key
            """
        if let limit { sql += " LIMIT \(limit)" }
        return sql
    }

    /// The folder filter of `query` as a condition on `i.folder_id`, given every
    /// folder of the catalog (deleted ones too).
    static func folderCondition(_ query: ItemQuery, folders: [(id: FolderID, path: FolderPath)], user: String) throws(StoreError) -> String {
        let ids = try folderIDs(for: query.folders, recursive: query.recursive, in: folders, user: user)
        return "i.folder_id IN (\(ids.map(String.init).joined(separator: ",")))"
    }

    /// The query's conditions on the items alias `i`, except the folder filter. `db`
    /// is read only for a catalog whose text is sealed.
    static func conditions(
        _ query: ItemQuery, db: GRDB.Database?, text: CatalogTextAccess
    ) throws -> ([String], [(any DatabaseValueConvertible)?]) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let sender = query.sender?.lowercased().trimmingCharacters(in: .whitespaces), !sender.isEmpty {
            let domain = sender.hasPrefix("@")
            if text.sealed {
                // A contact's other addresses are in its sealed to_addrs: the contacts
                // are opened and matched (FORMAT.md §10.6).
                let seal = try text.requireSeal()
                guard let db else { throw StoreError.catalogTextSealed(user: text.user) }
                let contacts = try SealedTextSearch.contactIDs(db: db, seal: seal, sender: sender)
                let other = contacts.isEmpty ? "" : " OR i.id IN (\(contacts.map(String.init).joined(separator: ",")))"
                conditions.append("(\(domain ? "i.from_domain_mac" : "i.from_addr_mac") = ?\(other))")
                arguments.append(Data(domain ? seal.domainIndex(String(sender.dropFirst())) : seal.addressIndex(sender)))
            } else {
                // A contact's other e-mail addresses are in to_addrs (FORMAT.md §4).
                let escaped = sender.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_")
                conditions.append("""
                    (\(domain ? "i.from_domain" : "i.from_addr") = ? \
                    OR (i.kind = 'contact' AND (', ' || i.to_addrs || ', ') LIKE ? ESCAPE '\\'))
                    """)
                arguments += [domain ? String(sender.dropFirst()) : sender, (domain ? "%" : "%, ") + escaped + ", %"]
            }
        }
        if query.periodBegin != nil || query.periodEnd != nil {
            let (condition, values) = periodCondition(query)
            conditions.append(condition)
            arguments += values
        }
        if !query.keys.isEmpty {
            conditions.append("i.key IN (\(query.keys.map { _ in "?" }.joined(separator: ",")))")
            arguments += query.keys.map(\.rawValue)
        }
        var match: [String] = []
        if let text = query.text { match.append("(\(TextQuery.fts(text)))") }
        if let subject = query.subject { match.append("subject : (\(TextQuery.fts(subject)))") }
        if !match.isEmpty && text.sealed {
            guard let db else { throw StoreError.catalogTextSealed(user: text.user) }
            let ids = try SealedTextSearch.matchingIDs(db: db, seal: try text.requireSeal(), match: match.joined(separator: " AND "))
            conditions.append("i.id IN (\(ids.map(String.init).joined(separator: ",")))")
        } else if !match.isEmpty {
            conditions.append("i.id IN (SELECT rowid FROM item_text WHERE item_text MATCH ?)")
            arguments.append(match.joined(separator: " AND "))
        }
        if let asOf = query.asOf {
            // The last backup run started by then (-1 when none), a constant subquery.
            let run = "(SELECT COALESCE(MAX(id), -1) FROM runs WHERE kind = 'backup' AND started_at <= ?)"
            conditions.append("i.added_run <= \(run) AND (i.deleted_run IS NULL OR i.deleted_run > \(run))")
            let seconds = Int64(asOf.timeIntervalSince1970)
            arguments += [seconds, seconds]
        } else {
            switch query.deleted {
            case .no: conditions.append("i.deleted_run IS NULL")
            case .only: conditions.append("i.deleted_run IS NOT NULL")
            case .yes: break
            }
        }
        return (conditions, arguments)
    }

    /// The period filter. Events and tasks with a start match a period they overlap,
    /// from their start to the end of their last occurrence (open-ended series:
    /// forever); other items match when the date field lies in the period. Written as
    /// two ranges joined by OR, each on an indexed column (`items_received` or
    /// `items_sent` for mail, `items_sent` or `items_kind` for dated DAV items), so the
    /// planner can search both indexes instead of scanning every item.
    static func periodCondition(_ query: ItemQuery) -> (String, [(any DatabaseValueConvertible)?]) {
        let dateColumn = query.dateField == .received ? "i.received_at" : "i.sent_at"
        var undated = ["(i.kind IS NULL OR i.sent_at IS NULL)"]
        var dated = ["i.kind IS NOT NULL", "i.sent_at IS NOT NULL"]
        var undatedArguments: [(any DatabaseValueConvertible)?] = []
        var datedArguments: [(any DatabaseValueConvertible)?] = []
        if let begin = query.periodBegin {
            let seconds = Int64(begin.timeIntervalSince1970.rounded(.down))
            undated.append("\(dateColumn) >= ?")
            undatedArguments.append(seconds)
            dated.append("(i.sent_at >= ? OR COALESCE(i.ends_at, CASE WHEN i.open_ended = 1 THEN 9223372036854775807 ELSE i.sent_at END) > ?)")
            datedArguments += [seconds, seconds]
        }
        if let end = query.periodEnd {
            let seconds = Int64(end.timeIntervalSince1970.rounded(.up))
            undated.append("\(dateColumn) < ?")
            undatedArguments.append(seconds)
            dated.append("i.sent_at < ?")
            datedArguments.append(seconds)
        }
        let condition = "((\(undated.joined(separator: " AND "))) OR (\(dated.joined(separator: " AND "))))"
        return (condition, undatedArguments + datedArguments)
    }

    /// Ids of the folders at `paths` (deleted ones too: restoring a deleted folder is a
    /// main use), with their subfolders when `recursive`.
    static func folderIDs(for paths: [FolderPath], recursive: Bool, db: GRDB.Database, user: String) throws -> [FolderID] {
        let all = try Row.fetchAll(db, sql: "SELECT * FROM folders ORDER BY path, id").map(StoredFolder.init(row:))
        return try folderIDs(for: paths, recursive: recursive, in: all.map { (id: $0.id, path: $0.path) }, user: user)
    }

    /// Ids of the folders of `folders` at `paths`, with their subfolders when `recursive`;
    /// a path no folder has is `folderNotFound`.
    static func folderIDs(
        for paths: [FolderPath], recursive: Bool, in folders: [(id: FolderID, path: FolderPath)], user: String
    ) throws(StoreError) -> [FolderID] {
        var ids: [FolderID] = []
        for path in paths {
            let matches = folders.filter { recursive ? $0.path.isWithin(path) : $0.path == path }
            if matches.isEmpty { throw .folderNotFound(user: user, folder: path.description) }
            ids += matches.map(\.id)
        }
        return ids
    }
}
