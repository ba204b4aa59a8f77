import BerkeleyDB
import Foundation
import GRDB
import GRDBSQLite

/// How failures of the disk under a store become errors (docs/DESIGN.md, "Faults from
/// the disk"): a full or failing file system is one `writeFailed` naming the store and
/// the file, never a signal; an environment left unusable is reopened with recovery
/// so the next operation, and the next run, find a consistent store.
extension UserStore {
    /// The store error for a failed Berkeley DB call. When the library gave up on the
    /// environment (`DB_RUNRECOVERY`: a write failed midway, a damaged page was read)
    /// every open item file is closed and the environment reopened with recovery, which
    /// undoes whatever the failed transaction had begun.
    func blobFailure(_ error: BerkeleyDBError) -> StoreError {
        if error.needsRecovery {
            valueReads.drain()
            try? environmentIfOpen?.recover()
        }
        if let code = UserStore.storageErrno(error), error.function != "DB->get", error.function != "DBC->get" {
            return .writeFailed(user: user, path: layout.userDirectory.path, writing: error.file ?? "env/ (the log)", errno: code)
        }
        return .blobStore(user: user, underlying: error)
    }

    /// Runs a read of the item file of folder `id`, isolating damage: when the file does
    /// not read as a Berkeley DB file (a damaged page or metadata page), the folder is
    /// remembered as damaged and this and every later read of it throw `damagedFile`,
    /// while the environment, reopened by `blobFailure` if the library gave up on it,
    /// serves every other folder. Call with `mutex` held.
    func readingItemFile<T>(of id: FolderID, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        if let detail = damagedFiles[id] { throw .damagedFile(user: user, path: itemFilePath(id), detail: detail) }
        do {
            return try body()
        } catch {
            guard case .blobStore(_, let underlying) = error, let failure = underlying as? BerkeleyDBError,
                  failure.isDamagedFile
            else { throw error }
            damagedFiles[id] = "\(failure)"
            throw .damagedFile(user: user, path: itemFilePath(id), detail: "\(failure)")
        }
    }

    /// The item file of folder `id`, relative to the user directory, for messages.
    private func itemFilePath(_ id: FolderID) -> String {
        let folder = try? readCatalog { db in try UserStore.folder(db, id: id) }
        return folder.map { StoreLayout.itemsFile(folderDirectory: $0.directory) } ?? "the item file of folder \(id)"
    }

    /// The store error for a failed catalog write: SQLite's "database or disk is full"
    /// and I/O errors become `writeFailed`, with the system's error where SQLite kept it
    /// (a quota reached is an I/O error to SQLite, EDQUOT to the administrator).
    func catalogFailure(_ error: any Error) -> StoreError {
        catalogFailure(error) { catalog.writeWithoutTransaction { db in sqlite3_system_errno(db.sqliteConnection) } }
    }

    /// `catalogFailure(_:)` for an error inside a catalog access on `db`, which must not
    /// be entered again.
    func catalogFailure(_ error: any Error, in db: GRDB.Database) -> StoreError {
        catalogFailure(error) { sqlite3_system_errno(db.sqliteConnection) }
    }

    private func catalogFailure(_ error: any Error, systemErrno: () -> Int32) -> StoreError {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL:
                return .writeFailed(user: user, path: layout.userDirectory.path, writing: "catalog.sqlite", errno: ENOSPC)
            case .SQLITE_IOERR:
                let code = systemErrno()
                let known = [ENOSPC, EDQUOT, EIO].contains(code) ? code : EIO
                return .writeFailed(user: user, path: layout.userDirectory.path, writing: "catalog.sqlite", errno: known)
            default: break
            }
        }
        return .catalog(user: user, underlying: error)
    }

    /// The system error behind a Berkeley DB failure when it is the file system's:
    /// the return code itself, or, after the library gave up, the error its message names.
    static func storageErrno(_ error: BerkeleyDBError) -> Int32? {
        for code in [ENOSPC, EDQUOT, EIO, EROFS] {
            if error.code == code { return code }
            if let message = error.message, message.contains(String(cString: strerror(code))) { return code }
        }
        return nil
    }
}
