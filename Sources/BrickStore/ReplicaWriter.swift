import BerkeleyDB
import BrickCore
import Foundation
import GRDB

/// Applies one off-site bundle's records to a replica, inside the catalog transaction
/// `UserStore.applyBundle` holds (docs/DESIGN.md, "Off-site copies"). Records come in
/// the bundle's order: purges, folder rows, item rows each followed by its value when
/// it has a new one, runs. Values are written to Berkeley DB in batches as they come;
/// rows wait in the transaction, committed only after `finish`. A folder row must come
/// before the item rows of its folder when the folder is new to the replica (a
/// consolidated bundle may hold folder rows after item rows of other folders).
public final class ReplicaWriter {
    /// What the store does with its files once the catalog is committed.
    struct Outcome {
        /// Folders whose directory changed: their item files follow.
        var moved: [MovedFolder]
        /// Folders whose rows the bundle brought (their `path` files are rewritten).
        var folders: [StoredFolder]
        /// Folders that lost rows, and folders removed, whose values or files go.
        var lostRows: Set<FolderID>
        var removed: [StoredFolder]
    }

    /// A folder whose directory the bundle changed.
    struct MovedFolder {
        var id: FolderID
        var from: String
        var to: String
    }

    let store: UserStore
    let db: GRDB.Database
    private let full: Bool
    private let keepPurged: Bool
    private var pendingFolders: [(id: FolderID, row: CatalogRow)] = []
    private var started = false
    /// Where each folder's item file is while the bundle applies (before moves).
    private var locations: [FolderID: StoredFolder] = [:]
    var lostRows = Set<FolderID>()
    var removed: [StoredFolder] = []
    var seenFolders = Set<FolderID>()
    var seenRuns = Set<RunID>()
    var seenSettings = Set<Int64>()
    var seenHolds = Set<Int64>()
    var lastItem: (folder: FolderID, key: String)?
    /// Live folders whose path a folder row of the bundle took (see `applyFolders`).
    private var displaced = Set<FolderID>()
    var values: [(folder: FolderID, key: String, value: [UInt8])] = []
    var valueBytes = 0
    private var outcome: Outcome?
    /// The prepared `INSERT OR REPLACE` of each table, with its column order.
    var replaceStatements: [String: RowReplacement] = [:]

    init(store: UserStore, db: GRDB.Database, full: Bool, keepPurged: Bool) {
        self.store = store
        self.db = db
        self.full = full
        self.keepPurged = keepPurged
    }

    /// An item purged upstream by `run`: its row goes; with `keepPurged` it stays,
    /// marked deleted by that run if it was not marked already (the replica may never
    /// have seen the deletion: it was made and purged between two exports).
    public func purgedItem(folder: FolderID, key: String, run: RunID) throws {
        try applyFolders()
        guard !keepPurged else {
            try db.execute(
                sql: "UPDATE items SET deleted_run = ?, deleted_at = NULL WHERE folder_id = ? AND key = ? AND deleted_run IS NULL",
                arguments: [run, folder, key])
            return
        }
        try db.execute(sql: "DELETE FROM items WHERE folder_id = ? AND key = ?", arguments: [folder, key])
        if db.changesCount > 0 { lostRows.insert(folder) }
    }

    /// A folder purged upstream by `run`: its row and any row left in it go; with
    /// `keepPurged` they stay, marked deleted by that run where they were not.
    public func purgedFolder(_ id: FolderID, run: RunID) throws {
        try applyFolders()
        if keepPurged {
            try db.execute(sql: "UPDATE items SET deleted_run = ?, deleted_at = NULL WHERE folder_id = ? AND deleted_run IS NULL", arguments: [run, id])
            try db.execute(sql: "UPDATE folders SET deleted_run = ?, deleted_at = NULL WHERE id = ? AND deleted_run IS NULL", arguments: [run, id])
            return
        }
        guard let folder = try UserStore.folder(db, id: id) else { return }
        try db.execute(sql: "DELETE FROM items WHERE folder_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM folders WHERE id = ?", arguments: [id])
        removed.append(folder)
    }

    /// A folder row, whole. Consecutive folder rows are applied together; the row is
    /// checked at once: its directory must be the folder's own in the store's layout,
    /// since a bundle's checksums prove no author and `../..` would lead outside the store.
    public func folder(_ row: CatalogRow) throws {
        guard let id = row["id"]?.integer, let directory = row["directory"]?.text else {
            throw StoreError.corrupt(user: store.user, detail: "a folder row without id or directory")
        }
        guard StoreLayout.isFolderDirectory(directory, of: id) else {
            throw StoreError.corrupt(
                user: store.user, detail: "folder #\(id) names the directory \(String(reflecting: directory)), which is not its own")
        }
        pendingFolders.append((id, row))
    }

    /// An item row, whole; its value, when the bundle carries one, follows.
    public func item(_ row: CatalogRow) throws {
        try applyFolders()
        guard let folder = row["folder_id"]?.integer, let key = row["key"]?.text, let id = row["id"]?.integer else {
            throw StoreError.corrupt(user: store.user, detail: "an item row without id, folder or key")
        }
        if keepPurged {
            // A kept row whose id the primary gave to another item after purging it
            // moves to a new id (nothing refers to item ids).
            try db.cachedStatement(
                sql: "UPDATE items SET id = (SELECT MAX(id) FROM items) + 1 WHERE id = ? AND NOT (folder_id = ? AND key = ?)"
            ).execute(arguments: [id, folder, key])
        }
        try deleteDisplacedItems(id: id, folder: folder, key: key)
        try upsert("items", try store.storedItemRow(row), replacing: true)
        if full {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO temp.replica_seen_items(id) VALUES (?)").execute(arguments: [id])
        }
        _ = try location(of: folder)
        lastItem = (folder, key)
    }

    /// A run row, whole (its id is the primary's).
    public func run(_ row: CatalogRow) throws {
        try applyFolders()
        try upsert("runs", row, replacing: true)
        if let id = row["id"]?.integer { seenRuns.insert(id) }
    }

    /// A setting row, whole (its id is the primary's): it replaces the row with its id.
    public func setting(_ row: CatalogRow) throws {
        try applyFolders()
        guard let id = row["id"]?.integer, row["kind"]?.text != nil, row["name"]?.text != nil else {
            throw StoreError.corrupt(user: store.user, detail: "a setting row without id, kind or name")
        }
        try upsert("settings", row, replacing: true)
        seenSettings.insert(id)
    }

    /// A legal hold row, whole (its id is the primary's): it replaces the row with its id.
    public func hold(_ row: CatalogRow) throws {
        try applyFolders()
        guard let id = row["id"]?.integer, row["reason"]?.text != nil else {
            throw StoreError.corrupt(user: store.user, detail: "a hold row without id or reason")
        }
        try upsert("holds", try store.storedHoldRow(row), replacing: true)
        seenHolds.insert(id)
    }

    /// A setting version purged on the primary: its row goes (kept with `keepPurged`).
    public func purgedSetting(_ id: Int64) throws {
        try applyFolders()
        guard !keepPurged else { return }
        try db.execute(sql: "DELETE FROM settings WHERE id = ?", arguments: [id])
    }

    /// Ends the bundle once its digest is checked: the last values, for a full bundle
    /// the removal of what it does not hold, and the record of the bundle.
    public func finish(_ bundle: AppliedBundle, primaryStoreID: String) throws {
        try applyFolders()
        for id in displaced.sorted() {
            let path = try String.fetchOne(db, sql: "SELECT path FROM folders WHERE id = ? AND deleted_run IS NULL", arguments: [id])
            if path == "\u{1}\(id)" {
                throw StoreError.corrupt(
                    user: store.user, detail: "the bundle gave the path of folder #\(id) to another folder and no new path to it")
            }
        }
        try flushValues()
        if full && !keepPurged { try removeAbsentRows() }
        if full && keepPurged { try markAbsentRowsDeleted(run: bundle.toRun) }
        if keepPurged {
            for table in ["items", "folders"] {
                try db.execute(sql: """
                    UPDATE \(table) SET deleted_at = COALESCE((SELECT started_at FROM runs WHERE runs.id = \(table).deleted_run), ?)
                    WHERE deleted_run IS NOT NULL AND deleted_at IS NULL
                    """, arguments: [Int64(Date().timeIntervalSince1970)])
            }
        }
        var moved: [MovedFolder] = []
        for id in seenFolders.sorted() {
            guard let final = try UserStore.folder(db, id: id), let place = locations[id], place.directory != final.directory else { continue }
            moved.append(MovedFolder(id: id, from: place.directory, to: final.directory))
            try db.execute(
                sql: "INSERT OR REPLACE INTO pending_moves(folder_id, old_directory, new_directory, new_parent_id, new_path) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, place.directory, final.directory, final.parentID, final.path.description])
        }
        try db.execute(
            sql: "INSERT INTO replica_bundles(sequence, kind, digest, parent_digest, to_run, applied_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [Int64(bundle.sequence), bundle.kind, Data(bundle.digest), bundle.parentDigest.isEmpty ? nil : Data(bundle.parentDigest),
                        bundle.toRun, Int64(Date().timeIntervalSince1970)])
        try db.execute(sql: "INSERT OR IGNORE INTO meta(key, value) VALUES ('replica_of', ?)", arguments: [primaryStoreID])
        var folders: [StoredFolder] = []
        for id in seenFolders { if let folder = try UserStore.folder(db, id: id) { folders.append(folder) } }
        outcome = Outcome(moved: moved, folders: folders, lostRows: lostRows, removed: removed)
    }

    /// The outcome, once `finish` ran.
    func committedOutcome() throws -> Outcome {
        guard let outcome else { throw StoreError.corrupt(user: store.user, detail: "the bundle was not finished") }
        return outcome
    }

    /// Upserts the folder rows waiting: rows the replica has are first given placeholder
    /// paths and directories, so that no intermediate state breaks a uniqueness rule.
    /// A folder's item file stays where it was until the catalog is committed.
    func applyFolders() throws {
        if !started {
            started = true
            if full {
                try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS replica_seen_items(id INTEGER PRIMARY KEY)")
                try db.execute(sql: "DELETE FROM temp.replica_seen_items")
            }
        }
        guard !pendingFolders.isEmpty else { return }
        for (id, row) in pendingFolders {
            if let folder = try UserStore.folder(db, id: id) {
                if keepPurged, folder.isDeleted, row["added_run"]?.integer != folder.addedRun {
                    throw StoreError.corrupt(
                        user: store.user,
                        detail: "the primary gave the id of purged folder \(folder.path) to another folder; --keep-purged cannot keep both")
                }
                if locations[id] == nil { locations[id] = folder }
                try db.execute(sql: "UPDATE folders SET path = char(1) || id, directory = char(1) || id WHERE id = ?", arguments: [id])
            }
        }
        for (id, row) in pendingFolders {
            // A replica past the start of a consolidated bundle sees older folder rows
            // again: one may name a path another folder has taken since. That folder
            // gets a placeholder path until its own later row in the bundle (`finish`
            // checks that it came).
            if row["deleted_run"]?.integer == nil, let path = row["path"]?.text {
                let holders = try FolderID.fetchAll(
                    db, sql: "SELECT id FROM folders WHERE path = ? AND deleted_run IS NULL AND id <> ?", arguments: [path, id])
                for other in holders {
                    try db.execute(sql: "UPDATE folders SET path = char(1) || id WHERE id = ?", arguments: [other])
                    displaced.insert(other)
                }
            }
            try upsert("folders", row, replacing: false)
            seenFolders.insert(id)
            if locations[id] == nil { locations[id] = try UserStore.folder(db, id: id) }
        }
        pendingFolders = []
    }

    /// Where the item file of `folder` is while the bundle applies.
    func location(of folder: FolderID) throws -> StoredFolder {
        if let known = locations[folder] { return known }
        guard let stored = try UserStore.folder(db, id: folder) else {
            throw StoreError.folderNotFound(user: store.user, folder: "#\(folder)")
        }
        locations[folder] = stored
        return stored
    }
}
