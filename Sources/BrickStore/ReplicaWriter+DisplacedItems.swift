import BrickCore
import GRDB

/// Item rows a bundle's item row takes the place of (docs/FORMAT.md §4, "Replicas").
extension ReplicaWriter {
    /// Deletes the replica's rows that the bundle's row (`id`, `folder`, `key`) would
    /// replace although they are other items: the row with its folder and key under
    /// another id, and the row with its id under another folder or key (the primary
    /// numbered its rows anew, as a rebuilt catalog does, or gave a purged item's id to
    /// another). `INSERT OR REPLACE` alone removes such rows without the delete trigger
    /// (SQLite fires it only under `PRAGMA recursive_triggers`), which would leave their
    /// full-text index entries behind for a later row of the same id to inherit. The
    /// row of the same id, folder and key stays for the replace, which keeps its
    /// indexed text. A folder that lost a row of another key has its values swept
    /// after the commit (those no row refers to then go).
    func deleteDisplacedItems(id: Int64, folder: FolderID, key: String) throws {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT id, folder_id, key FROM items WHERE id = ?
                UNION ALL SELECT id, folder_id, key FROM items WHERE folder_id = ? AND key = ? AND id <> ?
                """),
            arguments: [id, folder, key, id])
        for row in rows {
            let otherID: Int64 = row["id"]
            let otherFolder: FolderID = row["folder_id"]
            let otherKey: String = row["key"]
            guard otherID != id || otherFolder != folder || otherKey != key else { continue }
            try db.cachedStatement(sql: "DELETE FROM items WHERE id = ?").execute(arguments: [otherID])
            if otherFolder != folder || otherKey != key { lostRows.insert(otherFolder) }
        }
    }
}
