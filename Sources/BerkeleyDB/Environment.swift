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
    /// uses it any more and a final flush put every page on disk, its regions are
    /// removed too (they then hold nothing durable and take megabytes of shared memory).
    public func close() {
        guard isOpen else { return }
        isOpen = false
        // Closing drops the cache. Regions are removed only once every page is on
        // disk: pages a full disk kept from being written stay in the shared memory for
        // the next process (the log holds them too, for recovery).
        let flushed = isReadOnly || handle.pointee.memp_sync(handle, nil) == 0
        LibraryMessages.clear()
        _ = handle.pointee.close(handle, 0)
        if !isReadOnly && flushed { Environment.removeRegionsAfterCleanClose(home) }
    }

    deinit { close() }

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
