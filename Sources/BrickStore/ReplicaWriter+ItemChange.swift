import Foundation
import GRDB

/// An item row whose flags, MODSEQ or deletion mark changed and nothing else (bundle
/// record 10, docs/FORMAT.md §8.5): only those columns travel, and the replica's row,
/// which the chain guarantees it holds, takes them.
extension ReplicaWriter {
    /// Sets the flags, MODSEQ, update and deletion columns of the row with the change's
    /// folder and key to the change's values (an absent value is NULL). A change of a
    /// row the replica does not hold stops the import: the bundle does not follow it.
    public func itemChange(_ change: CatalogRow) throws {
        try applyFolders()
        func value(_ column: String) -> DatabaseValue { change[column]?.databaseValue ?? .null }
        guard let folder = change["folder_id"]?.integer, let key = change["key"]?.text, let flags = change["flags"]?.text else {
            throw StoreError.corrupt(user: store.user, detail: "an item change without folder, key or flags")
        }
        try db.cachedStatement(sql: """
            UPDATE items SET flags = ?, modseq = ?, updated_run = ?, updated_at = ?, deleted_run = ?, deleted_at = ?
            WHERE folder_id = ? AND key = ?
            """
        ).execute(arguments: [
            flags, value("modseq"), value("updated_run"), value("updated_at"), value("deleted_run"), value("deleted_at"), folder, key,
        ])
        guard db.changesCount == 1 else {
            throw StoreError.corrupt(
                user: store.user, detail: "a change of item \(key) in folder #\(folder), which the replica does not hold")
        }
        lastItem = nil
    }
}
