import BrickCore
import Foundation
import GRDB

extension UserStore {
    /// Renames or moves a folder with everything below it, keeping all items.
    ///
    /// A rename within the same parent changes only the catalog and `path` files. A move
    /// to another parent renames the folder's directory (one atomic `rename(2)`),
    /// journaled in `pending_moves` so a crash at any point is finished or rolled back
    /// the next time the store is opened for writing (docs/FORMAT.md §6).
    public func moveFolder(_ id: FolderID, to newPath: FolderPath, upstreamName: String?, run: RunHandle) throws(StoreError) {
        mutex.lock()
        defer { mutex.unlock() }
        let plan: (folder: StoredFolder, newDirectory: String, parentID: FolderID?) = try withCatalog { db in
            guard let folder = try UserStore.folder(db, id: id) else {
                throw StoreError.folderNotFound(user: user, folder: "#\(id)")
            }
            if let clash = try UserStore.liveFolder(db, path: newPath), clash.id != id {
                throw StoreError.corrupt(user: user, detail: "cannot move \(folder.path) to \(newPath): a folder is there")
            }
            var parent: StoredFolder?
            if let parentPath = newPath.parent, !parentPath.components.isEmpty {
                parent = try UserStore.ensureFolder(
                    db, path: parentPath, upstreamName: nil, specialUse: nil, identity: nil, run: run
                ).folder
            }
            if let upstreamName {
                try db.execute(
                    sql: "UPDATE folders SET upstream_name = ?, updated_run = ? WHERE id = ?", arguments: [upstreamName, run.id, id])
            }
            let newDirectory = parent?.id == folder.parentID
                ? folder.directory
                : StoreLayout.folderDirectory(id: id, parentDirectory: parent?.directory)
            try db.execute(
                sql: "INSERT OR REPLACE INTO pending_moves(folder_id, old_directory, new_directory, new_parent_id, new_path) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, folder.directory, newDirectory, parent?.id, newPath.description])
            return (folder, newDirectory, parent?.id)
        }
        if plan.newDirectory != plan.folder.directory {
            try relocateDirectory(of: plan.folder, to: plan.newDirectory)
        }
        try finishMove(id)
    }

    /// Moves the subtree's item files to their new directories: every `items.db` is
    /// renamed by Berkeley DB in one transaction (so its cache and log follow the file),
    /// then the emptied old directories are removed.
    private func relocateDirectory(of folder: StoredFolder, to newDirectory: String) throws(StoreError) {
        let subtree = try readCatalog { db in try UserStore.subtree(db, of: folder.id) }
        closeDatabases(subtree.map(\.id))
        let moves = subtree.map { member in
            (from: member.directory, to: newDirectory + member.directory.dropFirst(folder.directory.count))
        }
        for move in moves {
            try FileSystem.makeDirectory(layout.url(move.to), user: user)
        }
        // Checkpoints on both sides keep recovery from ever replaying a record that
        // names the old path once its directory is gone.
        try withBlobs { try environment.checkpoint() }
        try withBlobs {
            let transaction = try environment.beginTransaction()
            for move in moves where FileManager.default.fileExists(atPath: layout.url(StoreLayout.itemsFile(folderDirectory: move.from)).path) {
                try environment.renameDatabase(
                    StoreLayout.itemsFile(folderDirectory: move.from), to: StoreLayout.itemsFile(folderDirectory: move.to),
                    in: transaction)
            }
            try transaction.commit()
            try environment.checkpoint()
            try environment.checkpoint()
        }
        FileSystem.syncDirectory(layout.url(newDirectory).deletingLastPathComponent())
        removeEmptiedTree(folder.directory)
    }

    /// Removes a folder directory tree that holds no item files any more.
    func removeEmptiedTree(_ directory: String) {
        guard !containsItemFiles(directory) else { return }
        FileSystem.removeTree(layout.url(directory))
    }

    /// True when some `items.db` lies in `directory` or below.
    private func containsItemFiles(_ directory: String) -> Bool {
        let root = layout.url(directory)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return false }
        for case let relative as String in walker where relative.hasSuffix("items.db") { return true }
        return false
    }

    /// Applies a journaled move to the catalog and rewrites the `path` files.
    private func finishMove(_ id: FolderID) throws(StoreError) {
        let moved = try withCatalog { db -> [StoredFolder] in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM pending_moves WHERE folder_id = ?", arguments: [id]),
                let folder = try UserStore.folder(db, id: id)
            else { return [] }
            let oldDirectory: String = row["old_directory"]
            let newDirectory: String = row["new_directory"]
            let newPath = FolderPath(parsing: row["new_path"])
            let oldPath = folder.path
            for member in try UserStore.subtree(db, of: id) {
                let suffix = Array(member.path.components.dropFirst(oldPath.components.count))
                let path = newPath.appending(FolderPath(suffix))
                let directory = newDirectory + member.directory.dropFirst(oldDirectory.count)
                try db.execute(
                    sql: "UPDATE folders SET path = ?, name = ?, directory = ?, updated_run = \(UserStore.latestRunSQL) WHERE id = ?",
                    arguments: [path.description, path.name, directory, member.id])
            }
            try db.execute(
                sql: "UPDATE folders SET parent_id = ?, updated_run = \(UserStore.latestRunSQL) WHERE id = ?",
                arguments: [row["new_parent_id"] as FolderID?, id])
            try db.execute(sql: "DELETE FROM pending_moves WHERE folder_id = ?", arguments: [id])
            return try UserStore.subtree(db, of: id)
        }
        closeDatabases(moved.map(\.id))
        for folder in moved where FileManager.default.fileExists(atPath: layout.url(folder.directory).path) {
            try FileSystem.writeAtomically(folder.path.description + "\n", to: layout.url(folder.directory + "/path"), user: user)
        }
    }

    /// Finishes or rolls back moves a crash interrupted. Berkeley DB's recovery runs
    /// first (the environment is opened): a kill while the rename's transaction commits
    /// can leave the files renamed on disk with the commit not in the log, and recovery
    /// renames them back, so where the files are is known only after it.
    func completePendingMoves() throws(StoreError) {
        _ = try environment
        let pending = try readCatalog { db in
            try Row.fetchAll(db, sql: "SELECT folder_id, old_directory, new_directory FROM pending_moves")
        }
        for row in pending {
            let id: FolderID = row[0]
            let oldDirectory: String = row[1]
            let newDirectory: String = row[2]
            let current = try readCatalog { db in try UserStore.folder(db, id: id) }
            if current?.directory == newDirectory && oldDirectory != newDirectory {
                // A replica's import committed the folder's new place: its files follow.
                try relocateImportedFolders([ReplicaWriter.MovedFolder(id: id, from: oldDirectory, to: newDirectory)])
            } else if oldDirectory != newDirectory && containsItemFiles(oldDirectory) {
                // The item files never moved (one Berkeley DB transaction moves all or none).
                if !containsItemFiles(newDirectory) { FileSystem.removeTree(layout.url(newDirectory)) }
                try withCatalog { db in try db.execute(sql: "DELETE FROM pending_moves WHERE folder_id = ?", arguments: [id]) }
            } else {
                removeEmptiedTree(oldDirectory)
                try finishMove(id)
            }
        }
    }
}
