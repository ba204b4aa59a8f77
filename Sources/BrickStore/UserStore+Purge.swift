import BrickCore
import Foundation
import GRDB

/// What a purge removed (or, in a dry run, would remove).
public struct PurgeReport: Sendable {
    /// Items removed for good.
    public var items = 0
    /// Their raw bytes.
    public var bytes: Int64 = 0
    /// Folders removed for good.
    public var folders: [FolderPath] = []
    /// Setting versions replaced before the cutoff, removed for good.
    public var settings = 0
    /// Values that had no catalog row (left by a crash) and were removed.
    public var orphanValues = 0
    /// Items marked deleted before the cutoff that a legal hold kept.
    public var keptByHold = 0
    /// Bytes the item files and the catalog took on disk before and after.
    public var diskBytesBefore: Int64 = 0
    /// See `diskBytesBefore`.
    public var diskBytesAfter: Int64 = 0
}

extension UserStore {
    /// Permanently removes items and folders marked deleted before `cutoff`, then
    /// returns the space to the file system (Berkeley DB compaction with free space,
    /// SQLite VACUUM). Bytes that surviving items share with a purged one are first
    /// moved into one of them; then rows go, then values: a crash in between leaves
    /// values with no row (cleaned by the next purge), never a row whose value is gone.
    public func purge(deletedBefore cutoff: Date, dryRun: Bool, run: RunHandle?) throws(StoreError) -> PurgeReport {
        var report = PurgeReport()
        try withBlobs { try environment.checkpoint() }
        report.diskBytesBefore = dataBytes()
        let cutoffSeconds = Int64(max(-9e15, min(9e15, cutoff.timeIntervalSince1970)))
        let now = Int64(Date().timeIntervalSince1970)
        let doomed = UserStore.purgeableSQL("items", cutoff: cutoffSeconds, now: now)
        let wholeHold = try holds().contains { $0.isActive() && $0.coversEverything }
        report.keptByHold = try readCatalog { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM items WHERE deleted_run IS NOT NULL AND deleted_at < ? AND \(UserStore.heldSQL("items", now: now))",
                arguments: [cutoffSeconds]) ?? 0
        }
        let doomedFolders = wholeHold ? [] : try readCatalog { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM folders WHERE deleted_run IS NOT NULL AND deleted_at < ? ORDER BY length(directory) DESC",
                arguments: [cutoffSeconds]
            ).map(StoredFolder.init(row:))
        }
        let summary = try readCatalog { db in
            try Row.fetchOne(
                db, sql: "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM items WHERE \(doomed)")!
        }
        report.items = summary[0]
        report.bytes = summary[1]
        report.folders = doomedFolders.map(\.path)
        report.settings = wholeHold ? 0 : try readCatalog { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM settings WHERE replaced_run IS NOT NULL AND replaced_at < ?", arguments: [cutoffSeconds]) ?? 0
        }
        if dryRun {
            report.diskBytesAfter = report.diskBytesBefore
            return report
        }
        mutex.lock()
        defer { mutex.unlock() }
        // 1. Bytes shared with surviving items move to one of them (values first).
        let promotions = try promoteSharedBodies(cutoffSeconds: cutoffSeconds, now: now)
        // 2. Catalog rows (one transaction).
        let removedFolderIDs = Set(doomedFolders.map(\.id))
        let purgedPerFolder = try withCatalog { db in
            for update in promotions { try update.apply(db, run: run?.id) }
            let purgedPerFolder = try Dictionary(uniqueKeysWithValues: Row.fetchAll(
                db, sql: "SELECT folder_id, COUNT(*) FROM items WHERE \(doomed) GROUP BY folder_id"
            ).map { ($0[0] as FolderID, $0[1] as Int) })
            try db.execute(sql: """
                INSERT INTO purged_items(run_id, folder_id, key)
                SELECT COALESCE(?, \(UserStore.latestRunSQL)), folder_id, key FROM items
                WHERE \(doomed) AND EXISTS (SELECT 1 FROM export_targets)
                """, arguments: [run?.id])
            try db.execute(sql: "DELETE FROM items WHERE \(doomed)")
            for folder in doomedFolders {
                let remaining = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items WHERE folder_id = ?", arguments: [folder.id]) ?? 0
                let liveChildren = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM folders WHERE parent_id = ? AND deleted_run IS NULL", arguments: [folder.id]) ?? 0
                guard remaining == 0 && liveChildren == 0 else { continue }
                try db.execute(sql: "DELETE FROM folders WHERE id = ?", arguments: [folder.id])
                try db.execute(sql: """
                    INSERT INTO purged_folders(run_id, folder_id) SELECT COALESCE(?, \(UserStore.latestRunSQL)), ?
                    WHERE EXISTS (SELECT 1 FROM export_targets)
                    """, arguments: [run?.id, folder.id])
            }
            if !wholeHold { _ = try UserStore.purgeSettings(db, replacedBefore: cutoffSeconds, run: run?.id) }
            if let run {
                try db.execute(sql: "UPDATE runs SET items_purged = ? WHERE id = ?", arguments: [report.items, run.id])
            }
            return purgedPerFolder
        }
        // 3. Values with no row, in every folder still there; then files of removed folders.
        let live = try folders(includeDeleted: true)
        for folder in live {
            let removedValues = try removeValuesWithoutRows(folder)
            report.orphanValues += max(0, removedValues - (purgedPerFolder[folder.id] ?? 0))
        }
        let stillThere = Set(live.map(\.id))
        let removed = doomedFolders.filter { removedFolderIDs.contains($0.id) && !stillThere.contains($0.id) }
        try removeItemFiles(of: removed)
        // 4. Give space back.
        for folder in live where FileManager.default.fileExists(atPath: layout.url(StoreLayout.itemsFile(folderDirectory: folder.directory)).path) {
            _ = try withBlobs { try database(for: folder).compact() }
        }
        try withBlobs { try environment.checkpoint() }
        do {
            try catalog.vacuum()
            try catalog.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        } catch {
            throw catalogFailure(error)
        }
        report.diskBytesAfter = dataBytes()
        return report
    }

    /// Bytes on disk of the item files and the catalog (the Berkeley DB log and regions
    /// are left out: they come and go with checkpoints).
    func dataBytes() -> Int64 {
        let catalogFiles = ["", "-wal", "-shm"].map { URL(fileURLWithPath: layout.catalog.path + $0) }
        return FileSystem.diskUsage(layout.url("folders")) + catalogFiles.reduce(0) { $0 + FileSystem.fileSize($1) }
    }

    /// Deletes values in a folder's database that no catalog row refers to, with their
    /// segment records, and segment records of no item, once the catalog that says so
    /// is durable (`syncCatalog`); returns how many values and stranded segments went.
    /// Call with `mutex` held.
    func removeValuesWithoutRows(_ folder: StoredFolder) throws(StoreError) -> Int {
        let file = layout.url(StoreLayout.itemsFile(folderDirectory: folder.directory))
        guard FileManager.default.fileExists(atPath: file.path) else { return 0 }
        let keys = try readCatalog { db in
            Set(try String.fetchAll(db, sql: "SELECT key FROM items WHERE folder_id = ?", arguments: [folder.id]))
        }
        return try withBlobs {
            let database = try database(for: folder)
            var orphans: [[UInt8]] = []
            var counted = 0
            var walk = SegmentWalk()
            var lastRemoved = false
            let cursor = try database.cursor()
            while let (key, opened) = try cursor.nextRecord() {
                let record = switch opened {
                case .success(let value): walk.classify(key: key, value: value)
                case .failure: walk.classify(key: key, unreadable: ())
                }
                switch record {
                case .item:
                    lastRemoved = !keys.contains(String(decoding: key, as: UTF8.self))
                    if lastRemoved { orphans.append(key); counted += 1 }
                case .segment:
                    // An item's segments go with it, counted once.
                    if lastRemoved { orphans.append(key) }
                case .stranded:
                    orphans.append(key)
                    counted += 1
                }
            }
            cursor.close()
            guard !orphans.isEmpty else { return 0 }
            try syncCatalog()
            let transaction = try environment.beginTransaction()
            for key in orphans { try database.delete(key, in: transaction) }
            try transaction.commit()
            return counted
        }
    }
}
