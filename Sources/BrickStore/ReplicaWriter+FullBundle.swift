import Foundation
import GRDB

/// What a full bundle does to the rows it does not hold: they are what the primary no
/// longer has, so they go, or with `keepPurged` stay marked deleted.
extension ReplicaWriter {
    /// Marks deleted, by the bundle's last run, the live rows a full bundle does not hold
    /// (`keepPurged`: they are kept).
    func markAbsentRowsDeleted(run: RunID) throws {
        try db.execute(sql: """
            UPDATE items SET deleted_run = ?, deleted_at = NULL
            WHERE deleted_run IS NULL AND id NOT IN (SELECT id FROM temp.replica_seen_items)
            """, arguments: [run])
        for id in try FolderID.fetchAll(db, sql: "SELECT id FROM folders WHERE deleted_run IS NULL") where !seenFolders.contains(id) {
            try db.execute(sql: "UPDATE folders SET deleted_run = ?, deleted_at = NULL WHERE id = ?", arguments: [run, id])
        }
    }

    /// Removes the rows a full bundle does not hold.
    func removeAbsentRows() throws {
        lostRows.formUnion(try FolderID.fetchAll(db, sql: """
            SELECT DISTINCT folder_id FROM items WHERE id NOT IN (SELECT id FROM temp.replica_seen_items)
            """))
        try db.execute(sql: "DELETE FROM items WHERE id NOT IN (SELECT id FROM temp.replica_seen_items)")
        let folders = try Row.fetchAll(db, sql: "SELECT * FROM folders ORDER BY length(directory) DESC").map(StoredFolder.init(row:))
        for folder in folders where !seenFolders.contains(folder.id) {
            try db.execute(sql: "DELETE FROM folders WHERE id = ?", arguments: [folder.id])
            removed.append(folder)
        }
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM settings") where !seenSettings.contains(id) {
            try db.execute(sql: "DELETE FROM settings WHERE id = ?", arguments: [id])
        }
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM holds") where !seenHolds.contains(id) {
            try db.execute(sql: "DELETE FROM holds WHERE id = ?", arguments: [id])
        }
        let runs = try RunID.fetchAll(db, sql: "SELECT id FROM runs")
        for id in runs where !seenRuns.contains(id) {
            try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [id])
        }
    }
}
