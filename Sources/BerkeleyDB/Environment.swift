import CBerkeleyDB
import Foundation

/// A transactional Berkeley DB environment: one directory holding the log and the
/// shared regions for all databases of one store.
///
/// Every process opens it with `DB_REGISTER | DB_RECOVER`, so recovery runs exactly
/// when a process that had it open died (a `kill -9` mid-write), and processes may
/// share it: a reader beside the writer is safe. The shared regions live in System V
/// shared memory (`DB_SYSTEM_MEM`, a key derived from the directory), allocated whole
/// when the environment is created: a region that were a memory-mapped file inside
/// the store would turn a full file system into SIGBUS (docs/DESIGN.md, "Faults from
/// the disk"). A read-only environment (`readOnly`, for media that cannot be written)
/// is private to the process and opens no log: it reads the item files as they are.
public final class Environment: @unchecked Sendable {
    private(set) var handle: UnsafeMutablePointer<DB_ENV>
    /// The environment's home directory.
    public let home: String
    /// True when opened for reading only, with no shared regions, log or transactions.
    public let isReadOnly: Bool
    private let dataDirectory: String?
    private let cacheMegabytes: UInt32
    private let lock = NSLock()
    private var databases: [ObjectIdentifier: WeakDatabase] = [:]
    private var isOpen = true
    /// Set while a `recover()` has not managed to open the environment again (the disk
    /// still full or failing): the next use tries again.
    private var awaitsRecovery = false

    /// Opens (creating when missing) the environment in `home`. Database files named
    /// with relative paths resolve against `dataDirectory` (relative to `home`).
    public init(home: String, dataDirectory: String? = nil, cacheMegabytes: UInt32 = 32, readOnly: Bool = false) throws(BerkeleyDBError) {
        self.home = home
        self.dataDirectory = dataDirectory
        self.cacheMegabytes = cacheMegabytes
        self.isReadOnly = readOnly
        handle = try Environment.open(home: home, dataDirectory: dataDirectory, cacheMegabytes: cacheMegabytes, readOnly: readOnly)
    }

    /// True when `home` is on a file system or in a directory this process cannot write.
    public static func isWritable(_ home: String) -> Bool {
        var info = statvfs()
        if statvfs(home, &info) == 0 && info.f_flag & UInt(ST_RDONLY) != 0 { return false }
        return access(home, W_OK) == 0
    }

    /// Opens the environment; when its regions are marked as panicked (a process gave
    /// up on it and nobody recovered it since), removes them and opens again, which
    /// runs recovery.
    private static func open(home: String, dataDirectory: String?, cacheMegabytes: UInt32, readOnly: Bool) throws(BerkeleyDBError) -> UnsafeMutablePointer<DB_ENV> {
        do {
            return try attempt(home: home, dataDirectory: dataDirectory, cacheMegabytes: cacheMegabytes, readOnly: readOnly)
        } catch where error.needsRecovery && !readOnly {
            removeRegions(home, force: true)
            return try attempt(home: home, dataDirectory: dataDirectory, cacheMegabytes: cacheMegabytes, readOnly: readOnly)
        }
    }

    private static func attempt(home: String, dataDirectory: String?, cacheMegabytes: UInt32, readOnly: Bool) throws(BerkeleyDBError) -> UnsafeMutablePointer<DB_ENV> {
        var env: UnsafeMutablePointer<DB_ENV>?
        try check("db_env_create") { db_env_create(&env, 0) }
        guard let env else { throw BerkeleyDBError(function: "db_env_create", code: ENOMEM, file: home) }
        env.pointee.set_errcall(env, LibraryMessages.callback)
        do {
            if let dataDirectory {
                try check("DB_ENV->set_data_dir", file: dataDirectory) { env.pointee.set_data_dir(env, dataDirectory) }
            }
            try configureRegions(env, home: home, cacheMegabytes: cacheMegabytes)
            var flags = UInt32(DB_CREATE | DB_PRIVATE | DB_INIT_MPOOL | DB_THREAD)
            if !readOnly {
                try check("DB_ENV->set_shm_key", file: home) { env.pointee.set_shm_key(env, sharedMemoryKey(home)) }
                try check("DB_ENV->set_lk_detect") { env.pointee.set_lk_detect(env, UInt32(DB_LOCK_DEFAULT)) }
                try check("DB_ENV->log_set_config") { env.pointee.log_set_config(env, UInt32(DB_LOG_AUTO_REMOVE), 1) }
                try check("DB_ENV->set_lg_max") { env.pointee.set_lg_max(env, 4 * 1024 * 1024) }
                flags = UInt32(DB_CREATE | DB_SYSTEM_MEM | DB_INIT_TXN | DB_INIT_LOCK | DB_INIT_LOG | DB_INIT_MPOOL
                    | DB_THREAD | DB_RECOVER | DB_REGISTER)
            }
            try check("DB_ENV->open", file: home) { env.pointee.open(env, home, flags, 0o600) }
        } catch {
            _ = env.pointee.close(env, 0)
            throw error
        }
        return env
    }

    /// Sizes every region explicitly: shared memory cannot grow once created, and the
    /// defaults derive from the file system's block size (1 KiB pages on a small ext4
    /// gave "unable to allocate memory for mutex" for one 8 MB value). Enough mutexes
    /// for a cache of 1 KiB pages (old files keep their page size) and enough locks for
    /// one transaction over a large value. Files are never memory-mapped for reading
    /// (an I/O error on a mapped file would be SIGBUS too).
    private static func configureRegions(_ env: UnsafeMutablePointer<DB_ENV>, home: String, cacheMegabytes: UInt32) throws(BerkeleyDBError) {
        try check("DB_ENV->set_cachesize") { env.pointee.set_cachesize(env, 0, cacheMegabytes * 1024 * 1024, 1) }
        try check("DB_ENV->mutex_set_max") { env.pointee.mutex_set_max(env, cacheMegabytes * 1024 + 8192) }
        try check("DB_ENV->set_lk_max_locks") { env.pointee.set_lk_max_locks(env, 5_000) }
        try check("DB_ENV->set_lk_max_objects") { env.pointee.set_lk_max_objects(env, 5_000) }
        try check("DB_ENV->set_lk_max_lockers") { env.pointee.set_lk_max_lockers(env, 1_000) }
        try check("DB_ENV->set_mp_mmapsize") { env.pointee.set_mp_mmapsize(env, 0) }
    }

    /// The System V key of the environment's regions: derived from the directory's
    /// device and inode, so every process opening the same store (by any path) finds
    /// the same regions and two stores do not meet. Berkeley DB uses a few consecutive
    /// keys from it, hence the spacing of 16.
    static func sharedMemoryKey(_ home: String) -> Int {
        var info = stat()
        guard stat(home, &info) == 0 else { return 0x2000_0000 }
        var mixed = (UInt64(info.st_dev) &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(info.st_ino)
        mixed ^= mixed >> 29
        mixed = mixed &* 0xBF58_476D_1CE4_E5B9
        mixed ^= mixed >> 32
        return 0x2000_0000 + Int(mixed % 0x00FF_FFFF) * 16
    }

    /// Begins a transaction. Commit or abort it on the same task that began it.
    public func beginTransaction() throws(BerkeleyDBError) -> Transaction {
        var txn: UnsafeMutablePointer<DB_TXN>?
        try ensureOpen("DB_ENV->txn_begin")
        try check("DB_ENV->txn_begin") { handle.pointee.txn_begin(handle, nil, &txn, 0) }
        return Transaction(handle: txn!)
    }

    /// Writes a checkpoint, so recovery has less log to replay and old logs can go.
    public func checkpoint() throws(BerkeleyDBError) {
        guard !isReadOnly else { return }
        try ensureOpen("DB_ENV->txn_checkpoint")
        try check("DB_ENV->txn_checkpoint") { handle.pointee.txn_checkpoint(handle, 0, 0, UInt32(DB_FORCE)) }
    }

    /// Renames a database file inside a transaction (paths relative to the data directory).
    public func renameDatabase(_ file: String, to newFile: String, in transaction: Transaction) throws(BerkeleyDBError) {
        try ensureOpen("DB_ENV->dbrename")
        try check("DB_ENV->dbrename", file: file) {
            handle.pointee.dbrename(handle, transaction.handle, file, nil, newFile, 0)
        }
    }

    /// Removes a database file inside a transaction.
    public func removeDatabase(_ file: String, in transaction: Transaction) throws(BerkeleyDBError) {
        try ensureOpen("DB_ENV->dbremove")
        try check("DB_ENV->dbremove", file: file) {
            handle.pointee.dbremove(handle, transaction.handle, file, nil, 0)
        }
    }

    /// Closes the environment after a failure that left it unusable
    /// (`BerkeleyDBError.needsRecovery`: a write failed midway, a page was damaged) and
    /// opens it again. When the regions are still marked as panicked (no other process
    /// recovered them yet) they are removed first, so the open runs recovery. Every
    /// database opened in it is closed first; its handle throws from then on and must
    /// be opened again.
    public func recover() throws(BerkeleyDBError) {
        lock.lock()
        let open = databases.values.compactMap(\.database)
        databases.removeAll()
        lock.unlock()
        for database in open { database.closeForEnvironment() }
        if isOpen { _ = handle.pointee.close(handle, 0) }
        isOpen = false
        awaitsRecovery = true
        handle = try Environment.open(home: home, dataDirectory: dataDirectory, cacheMegabytes: cacheMegabytes, readOnly: isReadOnly)
        awaitsRecovery = false
        isOpen = true
    }

    /// Closes the environment; databases must be closed first. When no other process
    /// uses it any more, its regions are removed too (they hold nothing durable after a
    /// clean close and take megabytes of shared memory per store).
    public func close() {
        guard isOpen else { return }
        isOpen = false
        _ = handle.pointee.close(handle, 0)
        if !isReadOnly { Environment.removeRegions(home, force: false) }
    }

    deinit { close() }

    /// Removes the region files and shared memory of the environment in `home`; unless
    /// `force`, only when no process has it open. The next open after a removal runs
    /// recovery.
    static func removeRegions(_ home: String, force: Bool) {
        var env: UnsafeMutablePointer<DB_ENV>?
        guard db_env_create(&env, 0) == 0, let env else { return }
        env.pointee.set_errcall(env, LibraryMessages.callback)
        _ = env.pointee.remove(env, home, force ? UInt32(DB_FORCE) : 0)
        LibraryMessages.clear()
    }

    /// Tries `recover()` again when an earlier one left no open handle; throws when
    /// there is still none.
    func ensureOpen(_ function: String) throws(BerkeleyDBError) {
        if !isOpen && awaitsRecovery { try recover() }
        if !isOpen { throw BerkeleyDBError(function: function, code: DB_RUNRECOVERY, file: home) }
    }

    func register(_ database: Database) {
        lock.lock()
        defer { lock.unlock() }
        databases[ObjectIdentifier(database)] = WeakDatabase(database)
    }

    func unregister(_ database: Database) {
        lock.lock()
        defer { lock.unlock() }
        databases.removeValue(forKey: ObjectIdentifier(database))
    }

    /// The library's version string.
    public static var version: String { String(cString: db_version(nil, nil, nil)) }
}

/// A database the environment closes before it closes or recovers, held weakly.
private struct WeakDatabase {
    weak var database: Database?
    init(_ database: Database) { self.database = database }
}
