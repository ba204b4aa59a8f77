import BrickCore
import Foundation
import GRDB

/// A holder's bytes never change under the items that refer to it (docs/FORMAT.md §6).
///
/// An item that already has a row is written again with its own bytes when it comes
/// back (a Maildir file whose unique name returns with other content, an IMAP key
/// reused after a server restore). When other items refer to it as the holder of their
/// bytes and the bytes differ, rewriting it in place would damage every one of them:
/// first its old bytes are handed to the first referrer and the others are pointed
/// there, exactly as purge does before it removes a holder.
extension UserStore {
    /// The value changes (to write in the batch's Berkeley DB transaction, before the
    /// batch's own values) and catalog updates (to apply in its catalog transaction,
    /// before its rows) that move the old bytes of every rewritten holder with new
    /// bytes to its referrers (`streamedWithRows`: keys of large items of the batch
    /// that have a row, handed on unconditionally). Call with `mutex` held.
    func handOverRewrittenHolders(
        _ prepared: [PreparedItem], existingKeys: Set<String>, streamedWithRows: Set<String> = [], folder: StoredFolder
    ) throws(StoreError) -> ([(BodyReference, [UInt8])], [CatalogUpdate]) {
        var newDigests: [String: Data] = [:]
        for entry in prepared where existingKeys.contains(entry.item.key.rawValue) {
            newDigests[entry.item.key.rawValue] = Data(entry.sha256)
        }
        // A large item's SHA-256 is known only once it is written: its old bytes are
        // handed on whatever the new ones are (an empty digest matches no holder).
        for key in streamedWithRows { newDigests[key] = Data() }
        guard !newDigests.isEmpty else { return ([], []) }
        let rows = try readCatalog { db -> [Row] in
            var rows: [Row] = []
            try UserStore.inChunks(Array(newDigests.keys)) { marks, values in
                rows += try Row.fetchAll(db, sql: """
                    SELECT r.folder_id, r.key, h.key AS holder_key, h.sha256 AS holder_sha FROM items r
                    JOIN items h ON h.folder_id = r.body_folder_id AND h.key = r.body_key
                    WHERE r.body_folder_id = ? AND r.body_key IN (\(marks))
                    ORDER BY h.key, r.id
                    """, arguments: StatementArguments([folder.id] + values))
            }
            return rows
        }
        var values: [(BodyReference, [UInt8])] = []
        var updates: [CatalogUpdate] = []
        var index = 0
        while index < rows.count {
            let holderKey: String = rows[index]["holder_key"]
            let unchanged = newDigests[holderKey] == (rows[index]["holder_sha"] as Data?)
            var group: [BodyReference] = []
            while index < rows.count, rows[index]["holder_key"] == holderKey {
                group.append(BodyReference(folderID: rows[index]["folder_id"], key: ItemKey(rows[index]["key"] as String)))
                index += 1
            }
            guard !unchanged else { continue }
            let (groupValues, groupUpdates) = try handOver(from: BodyReference(folderID: folder.id, key: ItemKey(holderKey)), to: group)
            values += groupValues
            updates += groupUpdates
        }
        return (values, updates)
    }
}
