import Foundation
import GRDB

/// A folder's item file and how many item rows the folder has: what a reader that goes
/// through the whole file needs to say how far it has got (`FileReadAhead`).
public struct ItemFileShare: Sendable, Hashable {
    /// The folder's `items.db`.
    public var url: URL
    /// Its item rows, deleted ones included.
    public var items: Int
}

extension UserStore {
    /// Each folder's item file and item rows, by folder id (folders with no rows too).
    public func itemFileShares() throws(StoreError) -> [FolderID: ItemFileShare] {
        try readCatalog { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT f.id, f.directory, (SELECT COUNT(*) FROM items i WHERE i.folder_id = f.id) FROM folders f
                """)
            var shares: [FolderID: ItemFileShare] = [:]
            while let row = try rows.next() {
                let file = StoreLayout.itemsFile(folderDirectory: row[1])
                shares[row[0]] = ItemFileShare(url: layout.url(file), items: row[2])
            }
            return shares
        }
    }
}
