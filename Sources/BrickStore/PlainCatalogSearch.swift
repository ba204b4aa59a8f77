import BrickCore
import Foundation
import GRDB

/// One user's catalog searched through a `PlainSQLite` connection: the path of the
/// search across users (`SiteSearch`), where one SQLite open per store is most of the
/// cost. Same SQL and results as `StoreCatalog.forEachItem` (`ItemQuerySQL` builds
/// both); a catalog that is not of the current format, or whose text is sealed (docs/
/// FORMAT.md §10.6), is left to `StoreCatalog`, which migrates or opens the seal.
enum PlainCatalogSearch {
    /// The columns read, in the order `CatalogItem.init(statement:folderPath:)` takes them.
    static let columns = """
        i.folder_id, i.key, i.uid, i.message_id, i.from_addr, i.from_name, i.to_addrs, i.cc_addrs, i.subject, \
        i.sent_at, i.received_at, i.size, i.stored_size, i.flags, i.sha256, i.added_at, i.deleted_at, i.kind, \
        i.item_uid, i.ends_at, i.open_ended, f.path
        """

    /// Calls `body` for each item `query` selects in the store in `directory`, in folder
    /// and date order; returns false, having called nothing, when the catalog needs
    /// `StoreCatalog` instead.
    static func forEachItem(
        directory: URL, user: String, matching query: ItemQuery, _ body: (CatalogItem) throws -> Void
    ) throws(StoreError) -> Bool {
        let layout = StoreLayout(userDirectory: directory)
        guard FileManager.default.fileExists(atPath: layout.catalog.path) else {
            throw .storeNotFound(user: user, path: directory.path)
        }
        if let sealing = try UserSealing.read(userDirectory: directory, user: user), sealing.sealsCatalogText { return false }
        do {
            let connection = try PlainSQLite(path: CatalogConnection.readerPath(layout))
            guard try isPlainAndCurrent(connection) else { return false }
            var (conditions, arguments) = try ItemQuerySQL.conditions(query, db: nil, text: .clear(user: user))
            if !query.folders.isEmpty {
                conditions.append(try ItemQuerySQL.folderCondition(query, folders: try folders(connection), user: user))
            }
            let sql = ItemQuerySQL.statement(columns: columns, conditions: conditions, limit: query.limit)
            let statement = try connection.prepare(sql)
            try statement.bind(arguments.map { $0?.databaseValue ?? .null })
            var paths: [String: FolderPath] = [:]
            while try statement.step() {
                let text = statement.text(21) ?? ""
                let path = paths[text] ?? FolderPath(parsing: text)
                paths[text] = path
                try body(CatalogItem(statement: statement, folderPath: path))
            }
            return true
        } catch let error as StoreError {
            throw error
        } catch {
            throw .catalog(user: user, underlying: error)
        }
    }

    /// Whether the catalog is of this code's format with its text in clear; a catalog
    /// without a `meta` table (not yet migrated), or one that cannot be read this way
    /// (on a full disk SQLite cannot create its index), answers false.
    private static func isPlainAndCurrent(_ connection: PlainSQLite) throws -> Bool {
        guard let statement = try? connection.prepare("SELECT key, value FROM meta WHERE key IN ('format_version', 'catalog_text')") else {
            return false
        }
        var version: Int?
        var sealedText = false
        while try statement.step() {
            switch statement.text(0) {
            case "format_version": version = statement.text(1).flatMap(Int.init)
            case "catalog_text": sealedText = statement.text(1) == "sealed"
            default: break
            }
        }
        return version == CatalogSchema.formatVersion && !sealedText
    }

    /// Every folder's id and path, deleted ones too.
    private static func folders(_ connection: PlainSQLite) throws -> [(id: FolderID, path: FolderPath)] {
        let statement = try connection.prepare("SELECT id, path FROM folders")
        var folders: [(id: FolderID, path: FolderPath)] = []
        while try statement.step() {
            folders.append((id: statement.int64(0), path: FolderPath(parsing: statement.text(1) ?? "")))
        }
        return folders
    }
}

extension CatalogItem {
    /// The item of the current row of a statement selecting `PlainCatalogSearch.columns`.
    init(statement row: PlainStatement, folderPath: FolderPath) {
        func date(_ index: Int32) -> Date? { row.optionalInt64(index).map { Date(timeIntervalSince1970: TimeInterval($0)) } }
        folderID = row.int64(0)
        self.folderPath = folderPath
        key = ItemKey(row.text(1) ?? "")
        uid = row.optionalInt64(2).map { UInt32(truncatingIfNeeded: $0) }
        messageID = row.text(3)
        fromAddress = row.text(4)
        fromName = row.text(5)
        to = row.text(6)
        cc = row.text(7)
        subject = row.text(8)
        sentDate = date(9)
        receivedDate = date(10) ?? Date(timeIntervalSince1970: 0)
        size = row.int64(11)
        storedSize = row.int64(12)
        flags = ItemFlags(catalogText: row.text(13) ?? "")
        sha256 = row.blob(14) ?? []
        addedAt = date(15) ?? Date(timeIntervalSince1970: 0)
        deletedAt = date(16)
        kind = row.text(17)
        itemUID = row.text(18)
        endDate = date(19)
        isOpenEnded = row.optionalInt64(20) == 1
    }
}
