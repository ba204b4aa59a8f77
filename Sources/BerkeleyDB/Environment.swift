import CBerkeleyDB
import Glibc

/// A transactional Berkeley DB environment: one directory holding the log and the
/// shared regions for all databases of one store.
///
/// Every process opens it with `DB_REGISTER | DB_RECOVER`, so recovery runs exactly
/// when a process that had it open died (a `kill -9` mid-write), and processes may
/// share it: a reader beside the writer is safe.
public final class Environment: @unchecked Sendable {
    let handle: UnsafeMutablePointer<DB_ENV>
    /// The environment's home directory.
    public let home: String
    private var isOpen = true

    /// Opens (creating when missing) the environment in `home`. Database files named
    /// with relative paths resolve against `dataDirectory` (relative to `home`).
    public init(home: String, dataDirectory: String? = nil, cacheMegabytes: UInt32 = 32) throws(BerkeleyDBError) {
        var env: UnsafeMutablePointer<DB_ENV>?
        try check("db_env_create") { db_env_create(&env, 0) }
        guard let env else { throw BerkeleyDBError(function: "db_env_create", code: ENOMEM, file: home) }
        self.handle = env
        self.home = home
        do {
            if let dataDirectory {
                try check("DB_ENV->set_data_dir", file: dataDirectory) { env.pointee.set_data_dir(env, dataDirectory) }
            }
            try check("DB_ENV->set_cachesize") { env.pointee.set_cachesize(env, 0, cacheMegabytes * 1024 * 1024, 1) }
            try check("DB_ENV->set_lk_detect") { env.pointee.set_lk_detect(env, UInt32(DB_LOCK_DEFAULT)) }
            try check("DB_ENV->log_set_config") { env.pointee.log_set_config(env, UInt32(DB_LOG_AUTO_REMOVE), 1) }
            try check("DB_ENV->set_lg_max") { env.pointee.set_lg_max(env, 4 * 1024 * 1024) }
            let flags = UInt32(DB_CREATE | DB_INIT_TXN | DB_INIT_LOCK | DB_INIT_LOG | DB_INIT_MPOOL
                | DB_THREAD | DB_RECOVER | DB_REGISTER)
            try check("DB_ENV->open", file: home) { env.pointee.open(env, home, flags, 0o600) }
        } catch {
            _ = env.pointee.close(env, 0)
            isOpen = false
            throw error
        }
    }

    /// Begins a transaction. Commit or abort it on the same task that began it.
    public func beginTransaction() throws(BerkeleyDBError) -> Transaction {
        var txn: UnsafeMutablePointer<DB_TXN>?
        try check("DB_ENV->txn_begin") { handle.pointee.txn_begin(handle, nil, &txn, 0) }
        return Transaction(handle: txn!)
    }

    /// Writes a checkpoint, so recovery has less log to replay and old logs can go.
    public func checkpoint() throws(BerkeleyDBError) {
        try check("DB_ENV->txn_checkpoint") { handle.pointee.txn_checkpoint(handle, 0, 0, UInt32(DB_FORCE)) }
    }

    /// Renames a database file inside a transaction (paths relative to the data directory).
    public func renameDatabase(_ file: String, to newFile: String, in transaction: Transaction) throws(BerkeleyDBError) {
        try check("DB_ENV->dbrename", file: file) {
            handle.pointee.dbrename(handle, transaction.handle, file, nil, newFile, 0)
        }
    }

    /// Removes a database file inside a transaction.
    public func removeDatabase(_ file: String, in transaction: Transaction) throws(BerkeleyDBError) {
        try check("DB_ENV->dbremove", file: file) {
            handle.pointee.dbremove(handle, transaction.handle, file, nil, 0)
        }
    }

    /// Closes the environment; databases must be closed first. When no other process
    /// uses it any more, its region files are removed too (they hold nothing durable
    /// after a clean close and take megabytes per store).
    public func close() {
        guard isOpen else { return }
        isOpen = false
        _ = handle.pointee.close(handle, 0)
        var env: UnsafeMutablePointer<DB_ENV>?
        if db_env_create(&env, 0) == 0, let env {
            _ = env.pointee.remove(env, home, 0)
        }
    }

    deinit { close() }

    /// The library's version string.
    public static var version: String { String(cString: db_version(nil, nil, nil)) }
}
