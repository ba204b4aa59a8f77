import BrickCore
import Foundation
import GRDB

extension UserStore {
    /// The folders in the catalog, parents before children; deleted ones on request.
    public func folders(includeDeleted: Bool = false) throws(StoreError) -> [StoredFolder] {
        try readCatalog { db in
            let filter = includeDeleted ? "" : "WHERE deleted_run IS NULL"
            return try Row.fetchAll(db, sql: "SELECT * FROM folders \(filter) ORDER BY path, id").map(StoredFolder.init(row:))
        }
    }

    /// The live folder at `path`, if any.
    public func folder(at path: FolderPath) throws(StoreError) -> StoredFolder? {
        try readCatalog { db in try UserStore.liveFolder(db, path: path) }
    }

    static func liveFolder(_ db: GRDB.Database, path: FolderPath) throws -> StoredFolder? {
        try Row.fetchOne(db, sql: "SELECT * FROM folders WHERE path = ? AND deleted_run IS NULL", arguments: [path.description])
            .map(StoredFolder.init(row:))
    }

    static func folder(_ db: GRDB.Database, id: FolderID) throws -> StoredFolder? {
        try Row.fetchOne(db, sql: "SELECT * FROM folders WHERE id = ?", arguments: [id]).map(StoredFolder.init(row:))
    }

    /// Returns the live folder at `path`, creating it (and missing parents) when absent.
    /// Creating records the folder; its directory appears on first write.
    @discardableResult
    public func ensureFolder(
        _ path: FolderPath, upstreamName: String? = nil, specialUse: SpecialUse? = nil,
        identity: String? = nil, dav: DAVFolderInfo? = nil, run: RunHandle
    ) throws(StoreError) -> (folder: StoredFolder, created: Bool) {
        mutex.lock()
        defer { mutex.unlock() }
        // A folder as it was (every no-change night's case) costs one read, no write.
        if let existing = try readCatalog({ db in try UserStore.liveFolder(db, path: path) }),
           !UserStore.differs(existing, upstreamName: upstreamName, specialUse: specialUse, identity: identity),
           dav.map({ $0.href == existing.davHref && $0.properties == existing.davProperties }) ?? true {
            // A store written before folders kept a `dav` file gets it on its next DAV
            // night, so a later repair finds the collection (two `stat` calls when it is there).
            if dav != nil { try writeDAVFolderFile(existing, onlyWhenMissing: true) }
            return (existing, false)
        }
        let result = try withCatalog { db in
            var result = try UserStore.ensureFolder(db, path: path, upstreamName: upstreamName, specialUse: specialUse, identity: identity, run: run)
            if let dav, dav.href != result.folder.davHref || dav.properties != result.folder.davProperties {
                try db.execute(
                    sql: "UPDATE folders SET dav_href = ?, dav_properties = ?, updated_run = ? WHERE id = ?",
                    arguments: [dav.href, dav.properties, run.id, result.folder.id])
                result.folder = try UserStore.folder(db, id: result.folder.id)!
            }
            return result
        }
        // A new folder gets its directory, `path` file and item file now; an existing
        // one's item file is opened when a value is written or read, so a run that
        // changes nothing never opens the Berkeley DB environment.
        if result.created {
            _ = try database(for: result.folder)
        } else if dav != nil {
            try writeDAVFolderFile(result.folder, onlyWhenMissing: false)
        }
        return result
    }

    /// Whether the upstream name, special use or identity differs from the stored folder's.
    static func differs(_ existing: StoredFolder, upstreamName: String?, specialUse: SpecialUse?, identity: String?) -> Bool {
        (upstreamName != nil && upstreamName != existing.upstreamName)
            || specialUse != existing.specialUse || (identity != nil && identity != existing.identity)
    }

    static func ensureFolder(
        _ db: GRDB.Database, path: FolderPath, upstreamName: String?, specialUse: SpecialUse?,
        identity: String?, run: RunHandle
    ) throws -> (folder: StoredFolder, created: Bool) {
        if var existing = try liveFolder(db, path: path) {
            if differs(existing, upstreamName: upstreamName, specialUse: specialUse, identity: identity) {
                try db.execute(
                    sql: """
                        UPDATE folders SET upstream_name = COALESCE(?, upstream_name), special_use = ?,
                            identity = COALESCE(?, identity), updated_run = ? WHERE id = ?
                        """,
                    arguments: [upstreamName, specialUse?.rawValue, identity, run.id, existing.id])
                existing = try folder(db, id: existing.id)!
            }
            return (existing, false)
        }
        var parent: StoredFolder?
        if let parentPath = path.parent, !parentPath.components.isEmpty {
            parent = try ensureFolder(db, path: parentPath, upstreamName: nil, specialUse: nil, identity: nil, run: run).folder
        }
        try db.execute(
            sql: """
                INSERT INTO folders(parent_id, name, path, upstream_name, special_use, identity, directory, added_run, added_at)
                VALUES (?, ?, ?, ?, ?, ?, '', ?, ?)
                """,
            arguments: [parent?.id, path.name, path.description, upstreamName, specialUse?.rawValue, identity, run.id, run.time])
        let id = db.lastInsertedRowID
        let directory = StoreLayout.folderDirectory(id: id, parentDirectory: parent?.directory)
        try db.execute(sql: "UPDATE folders SET directory = ? WHERE id = ?", arguments: [directory, id])
        return (try folder(db, id: id)!, true)
    }

    /// The folder and all folders below it (live and deleted).
    static func subtree(_ db: GRDB.Database, of id: FolderID) throws -> [StoredFolder] {
        try Row.fetchAll(
            db,
            sql: """
                WITH RECURSIVE tree(id) AS (SELECT ? UNION ALL SELECT f.id FROM folders f JOIN tree t ON f.parent_id = t.id)
                SELECT folders.* FROM folders JOIN tree USING (id)
                """,
            arguments: [id]
        ).map(StoredFolder.init(row:))
    }

    /// Marks a folder, its subfolders and all their present items deleted by `run`.
    /// Nothing is removed: a purge does that later. Returns items newly marked.
    @discardableResult
    public func markFolderDeleted(_ id: FolderID, run: RunHandle) throws(StoreError) -> Int {
        try withCatalog { db in
            var items = 0
            for folder in try UserStore.subtree(db, of: id) where !folder.isDeleted {
                try db.execute(
                    sql: "UPDATE items SET deleted_run = ?, deleted_at = ? WHERE folder_id = ? AND deleted_run IS NULL",
                    arguments: [run.id, run.time, folder.id])
                items += db.changesCount
                try db.execute(
                    sql: "UPDATE folders SET deleted_run = ?, deleted_at = ? WHERE id = ?",
                    arguments: [run.id, run.time, folder.id])
            }
            return items
        }
    }

    /// Sets a folder's sync token without changing items (used after a full resync).
    /// The change is stamped with the latest run (docs/FORMAT.md §4, `updated_run`).
    public func setSyncToken(_ token: String?, folder id: FolderID) throws(StoreError) {
        try withCatalog { db in
            try db.execute(
                sql: "UPDATE folders SET sync_token = ?, updated_run = \(UserStore.latestRunSQL) WHERE id = ?",
                arguments: [token, id])
        }
    }

    /// Present items of a folder with their MODSEQ, where they have one (a DAV item's
    /// is the hash of its ETag, FORMAT.md §4).
    public func presentItemVersions(in id: FolderID) throws(StoreError) -> [ItemKey: UInt64] {
        try readCatalog { db in
            var result: [ItemKey: UInt64] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT key, modseq FROM items WHERE folder_id = ? AND deleted_run IS NULL AND modseq IS NOT NULL",
                arguments: [id])
            while let row = try rows.next() {
                result[ItemKey(row[0] as String)] = UInt64(bitPattern: row[1] as Int64)
            }
            return result
        }
    }

    /// Present (not deleted) items of a folder with their flags, for a source's diff.
    public func presentItems(in id: FolderID) throws(StoreError) -> [ItemKey: ItemFlags] {
        try readCatalog { db in
            var result: [ItemKey: ItemFlags] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT key, flags FROM items WHERE folder_id = ? AND deleted_run IS NULL", arguments: [id])
            while let row = try rows.next() {
                result[ItemKey(row[0] as String)] = ItemFlags(catalogText: row[1])
            }
            return result
        }
    }
}
