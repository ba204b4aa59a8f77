import Foundation
import GRDB

extension UserStore {
    /// Each folder's item file (`items.db`), deleted folders too, in folder id order: the
    /// order a full export reads them in (`FileReadAhead`). One short read of the folders.
    public func itemFiles() throws(StoreError) -> [(folder: FolderID, url: URL)] {
        try readCatalog { db in
            try Row.fetchAll(db, sql: "SELECT id, directory FROM folders ORDER BY id").map { row in
                (row[0], layout.url(StoreLayout.itemsFile(folderDirectory: row[1])))
            }
        }
    }
}
