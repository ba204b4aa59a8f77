import BrickCore
import Foundation
import GRDB

/// A replica's files after an import's catalog commit: item files follow their moved
/// folders, `path` files say the new paths, and values and files of rows the bundle
/// removed go. Each step may be repeated after a crash (docs/FORMAT.md §6).
extension UserStore {
    /// Moves the item files of folders whose directory the committed catalog changed,
    /// in one Berkeley DB transaction, then clears their journal rows. Call with
    /// `mutex` held (or while opening).
    func relocateImportedFolders(_ moved: [ReplicaWriter.MovedFolder]) throws(StoreError) {
        guard !moved.isEmpty else { return }
        closeDatabases(moved.map(\.id))
        for move in moved { try FileSystem.makeDirectory(layout.url(move.to), user: user) }
        try withBlobs { try environment.checkpoint() }
        try withBlobs {
            let transaction = try environment.beginTransaction()
            for move in moved {
                let from = StoreLayout.itemsFile(folderDirectory: move.from)
                let to = StoreLayout.itemsFile(folderDirectory: move.to)
                guard FileManager.default.fileExists(atPath: layout.url(from).path),
                      !FileManager.default.fileExists(atPath: layout.url(to).path)
                else { continue }
                try environment.renameDatabase(from, to: to, in: transaction)
            }
            try transaction.commit()
            try environment.checkpoint()
            try environment.checkpoint()
        }
        for move in moved {
            FileSystem.syncDirectory(layout.url(move.to).deletingLastPathComponent())
            removeEmptiedTree(move.from)
        }
        try withCatalog { db in
            for move in moved { try db.execute(sql: "DELETE FROM pending_moves WHERE folder_id = ?", arguments: [move.id]) }
        }
    }

    /// Writes the `path` file (and a DAV folder's `dav` file) of each folder whose
    /// directory exists.
    func rewritePathFiles(_ folders: [StoredFolder]) throws(StoreError) {
        for folder in folders where FileManager.default.fileExists(atPath: layout.url(folder.directory).path) {
            try FileSystem.writeAtomically(folder.path.description + "\n", to: layout.url(folder.directory + "/path"), user: user)
            try writeDAVFolderFile(folder, onlyWhenMissing: false)
        }
    }

    /// Removes the values no row refers to in the folders that lost rows, and the item
    /// files of removed folders (unless a folder of the committed catalog now lives in
    /// the same directory: then only its values without rows go). Call with `mutex` held.
    func removeValues(of lostRows: Set<FolderID>, droppingFiles removed: [StoredFolder]) throws(StoreError) {
        let current = try folders(includeDeleted: true)
        let byDirectory = Dictionary(current.map { ($0.directory, $0) }, uniquingKeysWith: { first, _ in first })
        var sweep = Set(lostRows)
        var dropped: [StoredFolder] = []
        for folder in removed {
            if let reused = byDirectory[folder.directory] { sweep.insert(reused.id) } else { dropped.append(folder) }
        }
        for folder in current where sweep.contains(folder.id) { _ = try removeValuesWithoutRows(folder) }
        try removeItemFiles(of: dropped)
    }

    /// Removes the item files of folders no longer in the catalog, once that catalog is
    /// durable (`syncCatalog`), then their `path` files and emptied directories. Call
    /// with `mutex` held.
    func removeItemFiles(of removed: [StoredFolder]) throws(StoreError) {
        guard !removed.isEmpty else { return }
        try syncCatalog()
        for folder in removed {
            closeDatabases([folder.id])
            let file = StoreLayout.itemsFile(folderDirectory: folder.directory)
            guard FileManager.default.fileExists(atPath: layout.url(file).path) else { continue }
            try withBlobs {
                let transaction = try environment.beginTransaction()
                try environment.removeDatabase(file, in: transaction)
                try transaction.commit()
            }
        }
        // As for moves: no record recovery may replay names a directory about to go.
        try withBlobs {
            try environment.checkpoint()
            try environment.checkpoint()
        }
        for folder in removed {
            try? FileManager.default.removeItem(at: layout.url(folder.directory + "/path"))
            rmdir(layout.url(folder.directory + "/folders").path)
            rmdir(layout.url(folder.directory).path)
        }
    }
}
