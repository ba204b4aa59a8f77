import BerkeleyDB
import BrickCore
import Foundation
import GRDB
import LZ4

/// One user's backup store: item blobs in Berkeley DB (one btree per folder), the
/// catalog in SQLite, and the writer lock. See docs/FORMAT.md for the on-disk format.
///
/// A writable store holds the user's exclusive lock for its lifetime; read-only
/// stores take no lock and may be open beside a writer. Methods are safe to call from
/// any thread; they are serialized internally.
public final class UserStore: @unchecked Sendable {
    /// How a store is opened.
    public enum Mode: Sendable {
        /// Reading only: no lock, any number beside one writer.
        case readOnly
        /// Writing: takes the exclusive lock; creates the store when missing.
        case readWrite
    }

    /// The user this store belongs to.
    public let user: String
    /// Where the files are.
    public let layout: StoreLayout
    /// Whether this handle may write.
    public let isWritable: Bool

    /// The catalog: one SQLite connection for a writer (a `DatabaseQueue`), GRDB's
    /// pool of a writer and readers for a reader (docs/DESIGN.md, "The store").
    let catalog: any DatabaseWriter
    let mutex = NSLock()
    /// The Berkeley DB environment once something needed it (guarded by
    /// `environmentLock`); a run that reads and writes no value never opens it.
    private var openedEnvironment: Environment?
    private let environmentLock = NSLock()
    let decompressor = LZ4Frame()
    /// Whether values are sealed, and the seal when this process holds the key.
    let sealing: StoreSealing
    private let writerLock: WriterLock?
    /// A reader's hold on a store whose disk is full (`FullDiskReadHold`), kept while the
    /// catalog is open.
    private let fullDiskHold: FullDiskReadHold?
    private var databases: [FolderID: ItemFile] = [:]
    /// Where the item files seal records before writing them (one for the store).
    private let sealBuffer = RecordBuffer()
    /// Value bytes committed since the last checkpoint (guarded by `mutex`).
    var bytesSinceCheckpoint = 0
    /// Folders whose item file failed to read as a Berkeley DB file, with the failure
    /// (guarded by `mutex`): later reads fail at once instead of trying again.
    var damagedFiles: [FolderID: String] = [:]
    /// Value reads under way outside `mutex` (export's value threads); whatever closes
    /// item files waits for them, with `mutex` held.
    let valueReads = ValueReads()
    /// Item files read straight from their pages while a full export runs (guarded by
    /// `mutex`; see `beginDirectReads`).
    var directReads: DirectReads?
    /// A run begun but not yet written (guarded by `runLock`): its row goes into the
    /// first catalog transaction that writes anything (see `beginRun`).
    var pendingRun: PendingRun?
    let runLock = NSLock()
    /// Catalog write transactions committed through this handle (guarded by `runLock`).
    var catalogWrites = 0
    /// Whether the store indexes text, once read (guarded by `runLock`): only
    /// `enableTextIndex` changes it, and preparing a batch then need not wait for the
    /// catalog transaction under way.
    var knownIndexesText: Bool?
    /// The catalog transactions of batches whose values are written, committed in
    /// order beside the next batch's values (see `commitValues`).
    let catalogPipeline = CatalogPipeline()
    /// A second, read-only connection to the catalog (guarded by `mutex`, opened on
    /// first use): a batch reads committed rows with it while the one connection
    /// writes the batch before.
    var committedRowsReader: DatabaseQueue?

    /// Opens the store of `user` in `layout.userDirectory`; a sealed store finds its key
    /// in `keyring` (docs/FORMAT.md §10).
    public init(layout: StoreLayout, user: String? = nil, mode: Mode, keyring: StoreKeyring = .shared) throws(StoreError) {
        let user = user ?? layout.userDirectory.lastPathComponent
        self.user = user
        self.layout = layout
        self.isWritable = mode == .readWrite
        let exists = FileManager.default.fileExists(atPath: layout.catalog.path)
        if mode == .readOnly && !exists {
            throw .storeNotFound(user: user, path: layout.userDirectory.path)
        }
        if mode == .readWrite {
            try FileSystem.makeDirectory(layout.userDirectory, user: user)
        }
        // A new store in a sealed root is sealed: its sealing file comes before anything.
        sealing = try UserStore.sealing(layout: layout, user: user, creating: !exists, writable: mode == .readWrite, keyring: keyring)
        if mode == .readWrite {
            try FileSystem.makeDirectory(layout.environment, user: user)
            try FileSystem.makeDirectory(layout.url("folders"), user: user)
            writerLock = try WriterLock(url: layout.lock, user: user)
            // Lets db_dump, db_verify and db_recover find the item files by themselves.
            let config = layout.environment.appendingPathComponent("DB_CONFIG")
            if !FileManager.default.fileExists(atPath: config.path) {
                try FileSystem.writeAtomically("set_data_dir ..\n", to: config, user: user)
            }
            // SQLite gives -wal and -shm the mode of the main file: create it 0600 first.
            try FileSystem.touchPrivateFile(layout.catalog, user: user)
        } else {
            writerLock = nil
        }
        do {
            (catalog, fullDiskHold) = try CatalogConnection.open(layout, mode: mode)
        } catch {
            throw .catalog(user: user, underlying: error)
        }
        try CatalogFormat.check(catalog, layout: layout, user: user, migrate: mode == .readWrite)
        let recorded = try readCatalog { db in try CatalogFormat.recordedIdentity(db) }
        try checkSealingRecord(recorded: recorded.sealedKeyID)
        try checkCatalogTextRecord(recorded: recorded.catalogText)
        if mode == .readWrite {
            if recorded.user == nil {
                try withCatalog { db in try db.execute(sql: "INSERT OR IGNORE INTO meta(key, value) VALUES ('user', ?)", arguments: [user]) }
            }
            if recorded.hasPendingMoves { try completePendingMoves() }
        }
    }

    /// The store's Berkeley DB environment, opened (with recovery when a previous
    /// process died with it open) on first use: opening it creates its shared-memory
    /// regions, the largest part of a store's open, so a run that finds nothing to
    /// write or read (a no-change night) leaves it closed (docs/DESIGN.md, "The store").
    var environment: Environment {
        get throws(StoreError) {
            environmentLock.lock()
            defer { environmentLock.unlock() }
            if let openedEnvironment { return openedEnvironment }
            let environment = try SharedEnvironment.open(home: layout.environment, user: user, reader: !isWritable)
            openedEnvironment = environment
            return environment
        }
    }

    /// Whether this handle has opened the Berkeley DB environment.
    public var hasOpenedEnvironment: Bool {
        environmentLock.lock()
        defer { environmentLock.unlock() }
        return openedEnvironment != nil
    }

    /// The environment when it is open, without opening it.
    var environmentIfOpen: Environment? {
        environmentLock.lock()
        defer { environmentLock.unlock() }
        return openedEnvironment
    }

    deinit {
        // The writer's connection, closed last, checkpoints the WAL into the file.
        committedRowsReader = nil
        for database in databases.values { database.close() }
        if isWritable { try? openedEnvironment?.checkpoint() }
    }

    // MARK: - Shared plumbing

    /// Runs a read on the catalog, mapping errors. Reads may nest (reading an item's
    /// value while iterating over rows looks its folder up), so they are reentrant. A
    /// read sees the rows of every batch handed to the catalog pipeline before it.
    func readCatalog<T>(_ body: (GRDB.Database) throws -> T) throws(StoreError) -> T {
        catalogPipeline.drain()
        CatalogAccess.enter()
        defer { CatalogAccess.leave() }
        do {
            return try catalog.unsafeReentrantRead(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .catalog(user: user, underlying: error)
        }
    }

    /// Runs one write transaction on the catalog, mapping errors (a full disk to
    /// `writeFailed`). A run begun and not yet written is written first, in the same
    /// transaction. It commits after the transactions handed to the catalog pipeline
    /// before it.
    func withCatalog<T>(_ body: (GRDB.Database) throws -> T) throws(StoreError) -> T {
        guard isWritable else { throw .readOnly(user: user) }
        catalogPipeline.drain()
        CatalogAccess.enter()
        defer { CatalogAccess.leave() }
        do {
            let (written, result) = try catalog.write { db in
                let written = try writePendingRun(db)
                return (written, try body(db))
            }
            committedCatalogWrite(writtenRun: written)
            return result
        } catch let error as StoreError {
            throw error
        } catch {
            throw catalogFailure(error)
        }
    }

    /// Runs Berkeley DB work, mapping errors; after a failure that left the environment
    /// unusable, reopens it with recovery first (see `blobFailure`).
    func withBlobs<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as BerkeleyDBError {
            throw blobFailure(error)
        } catch {
            throw .blobStore(user: user, underlying: error)
        }
    }

    /// The open item database of a folder, opening (and creating) it on first use.
    /// Call with `mutex` held.
    func database(for folder: StoredFolder) throws(StoreError) -> ItemFile {
        if let open = databases[folder.id], open.isOpen { return open }
        let file = StoreLayout.itemsFile(folderDirectory: folder.directory)
        if isWritable {
            try FileSystem.makeDirectory(layout.url(folder.directory), user: user)
            let pathFile = layout.url(folder.directory + "/path")
            if !FileManager.default.fileExists(atPath: pathFile.path) {
                try FileSystem.writeAtomically(folder.path.description + "\n", to: pathFile, user: user)
            }
            try writeDAVFolderFile(folder, onlyWhenMissing: true)
        }
        let database = try withBlobs {
            ItemFile(
                database: try BerkeleyDB.Database(file: file, in: try environment, create: isWritable),
                folderID: folder.id, sealing: sealing, user: user, sealBuffer: sealBuffer)
        }
        databases[folder.id] = database
        return database
    }

    /// The open item database of the folder with `id`, without a catalog read once it
    /// is open; nil when there is no such folder or, read-only, no item file yet.
    /// Call with `mutex` held.
    func database(forFolderID id: FolderID) throws(StoreError) -> ItemFile? {
        if let open = databases[id], open.isOpen { return open }
        guard let folder = try readCatalog({ db in try UserStore.folder(db, id: id) }) else { return nil }
        guard isWritable || FileManager.default.fileExists(atPath: layout.url(StoreLayout.itemsFile(folderDirectory: folder.directory)).path)
        else { return nil }
        return try database(for: folder)
    }

    /// Closes the item databases of these folders (before their files move or go).
    func closeDatabases(_ ids: some Sequence<FolderID>) {
        valueReads.drain()
        for id in ids {
            databases.removeValue(forKey: id)?.close()
        }
    }
}
