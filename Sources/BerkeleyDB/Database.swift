import CBerkeleyDB
import Glibc

/// One Berkeley DB btree file in an environment: byte keys to byte values.
///
/// Handles are opened with `DB_THREAD`, so every value read comes back in memory the
/// library allocates (`DB_DBT_MALLOC`) and is copied out and freed here.
public final class Database: @unchecked Sendable {
    /// Page size of item files created from now on (docs/FORMAT.md §3): fixed, so a
    /// large value takes a bounded number of overflow pages whatever the file system's
    /// block size, and small enough that a folder's file starts at 32 KB. Existing files
    /// keep what they were created with.
    ///
    /// Files are created with page checksums (`DB_CHKSUM`) unless told otherwise: without
    /// them a damaged internal page can send Berkeley DB's search into an endless loop
    /// (docs/RELIABILITY.md, "Damaged pages"), which no check above it can stop.
    public static let pageSize: UInt32 = 16 * 1024

    let handle: UnsafeMutablePointer<DB>
    /// The file's path relative to the environment's data directory.
    public let file: String
    /// False once closed, by `close()` or by the environment's `recover()`; every call
    /// on a closed handle throws.
    public private(set) var isOpen = true
    private weak var environment: Environment?

    /// Opens (creating when missing) the btree `file` in `environment`. In a read-only
    /// environment the file is opened read-only and never created. A file created here
    /// gets `pageSize`, and page checksums (`DB_CHKSUM`) when `pageChecksums` is true;
    /// an existing file keeps the page size and checksums it was created with (Berkeley
    /// DB reads both from its metadata page).
    public init(
        file: String, in environment: Environment, create: Bool = true, readOnly: Bool = false,
        pageSize: UInt32 = Database.pageSize, pageChecksums: Bool = true
    ) throws(BerkeleyDBError) {
        var db: UnsafeMutablePointer<DB>?
        try environment.ensureOpen("db_create")
        try check("db_create", file: file) { db_create(&db, environment.handle, 0) }
        self.handle = db!
        self.file = file
        handle.pointee.set_errcall(handle, LibraryMessages.callback)
        var flags = UInt32(DB_THREAD | DB_AUTO_COMMIT)
        if create { flags |= UInt32(DB_CREATE) }
        if readOnly || environment.isReadOnly { flags = UInt32(DB_THREAD | DB_RDONLY) }
        do {
            try check("DB->set_pagesize", file: file) { handle.pointee.set_pagesize(handle, pageSize) }
            if pageChecksums {
                try check("DB->set_flags", file: file) { handle.pointee.set_flags(handle, UInt32(DB_CHKSUM)) }
            }
            try check("DB->open", file: file) { handle.pointee.open(handle, nil, file, nil, DB_BTREE, flags, 0o600) }
        } catch {
            _ = handle.pointee.close(handle, 0)
            isOpen = false
            throw error
        }
        self.environment = environment
        environment.register(self)
    }

    /// Stores `value` under `key`, replacing what was there. Berkeley DB reads both
    /// from the arrays' own storage: neither is copied first.
    public func put(_ key: [UInt8], _ value: [UInt8], in transaction: Transaction) throws(BerkeleyDBError) {
        try value.withUnsafeBytes { valueBytes in
            Result { () throws(BerkeleyDBError) in try put(key, bytes: valueBytes, in: transaction) }
        }.get()
    }

    /// Stores the bytes in `value` (a buffer the caller owns, such as part of a larger
    /// array or a buffer reused from record to record) under `key`, without a copy.
    public func put(_ key: [UInt8], bytes value: UnsafeRawBufferPointer, in transaction: Transaction) throws(BerkeleyDBError) {
        guard isOpen else { throw closedError("DB->put") }
        guard key.count <= UInt32.max, value.count <= UInt32.max else {
            throw BerkeleyDBError(function: "DB->put", code: EFBIG, file: file)
        }
        LibraryMessages.clear()
        let code = key.withUnsafeBytes { keyBytes in
            // DB->put does not write through the DBTs' data pointers.
            var k = DBT(); k.data = UnsafeMutableRawPointer(mutating: keyBytes.baseAddress); k.size = UInt32(keyBytes.count)
            var v = DBT(); v.data = UnsafeMutableRawPointer(mutating: value.baseAddress); v.size = UInt32(value.count)
            return handle.pointee.put(handle, transaction.handle, &k, &v, 0)
        }
        if code != 0 { throw BerkeleyDBError(function: "DB->put", code: code, file: file) }
    }

    /// The value under `key`, or nil when there is none.
    public func get(_ key: [UInt8], in transaction: Transaction? = nil) throws(BerkeleyDBError) -> [UInt8]? {
        guard var value = try fetch(key, in: transaction) else { return nil }
        return takeBytes(&value)
    }

    /// Hands the value under `key` to `body` in the buffer the library read it into,
    /// with no copy (valid only during the call), and returns what `body` returns; nil
    /// when there is no value.
    public func withValue<T>(_ key: [UInt8], in transaction: Transaction? = nil, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        guard let value = try fetch(key, in: transaction) else { return nil }
        defer { free(value.data) }
        return try body(UnsafeRawBufferPointer(start: value.data, count: Int(value.size)))
    }

    /// The value under `key` in memory the library allocated (`DB_DBT_MALLOC`, the
    /// caller frees it), or nil when there is none.
    private func fetch(_ key: [UInt8], in transaction: Transaction?) throws(BerkeleyDBError) -> DBT? {
        var v = DBT()
        v.flags = UInt32(DB_DBT_MALLOC)
        let handle = self.handle
        guard try found("DB->get", key: key, { handle.pointee.get(handle, transaction?.handle, &$0, &v, 0) }) else { return nil }
        return v
    }

    /// Calls `call` with `key` as a DBT and returns whether the key was found: false on
    /// `DB_NOTFOUND` (and for a key too long to be stored), true on success; any other
    /// answer throws, named `function`.
    private func found(_ function: String, key: [UInt8], _ call: (inout DBT) -> Int32) throws(BerkeleyDBError) -> Bool {
        guard isOpen else { throw closedError(function) }
        guard key.count <= UInt32.max else { return false }
        LibraryMessages.clear()
        var key = key
        let code = key.withUnsafeMutableBytes { keyBytes in
            var k = DBT(); k.data = keyBytes.baseAddress; k.size = UInt32(keyBytes.count)
            return call(&k)
        }
        if code == DB_NOTFOUND { return false }
        if code != 0 { throw BerkeleyDBError(function: function, code: code, file: file) }
        return true
    }

    /// Whether a search for `key` from the root finds it (`DB->exists`: the value is
    /// not read). A cursor walks the leaf pages from the first one; this follows the
    /// internal pages that a `get` follows, so it finds what damage to them hides.
    public func exists(_ key: [UInt8], in transaction: Transaction? = nil) throws(BerkeleyDBError) -> Bool {
        let handle = self.handle
        return try found("DB->exists", key: key) { handle.pointee.exists(handle, transaction?.handle, &$0, 0) }
    }

    /// Deletes `key`; returns false when it was not there.
    @discardableResult
    public func delete(_ key: [UInt8], in transaction: Transaction) throws(BerkeleyDBError) -> Bool {
        let handle = self.handle
        return try found("DB->del", key: key) { handle.pointee.del(handle, transaction.handle, &$0, 0) }
    }

    /// The page size of the file as it was created (read from its metadata page).
    public func filePageSize() throws(BerkeleyDBError) -> UInt32 {
        guard isOpen else { throw closedError("DB->get_pagesize") }
        var size: UInt32 = 0
        try check("DB->get_pagesize", file: file) { handle.pointee.get_pagesize(handle, &size) }
        return size
    }

    /// Whether the file was created with page checksums (`DB_CHKSUM`, read from its
    /// metadata page): files of versions before 16 KiB pages have none.
    public func hasPageChecksums() throws(BerkeleyDBError) -> Bool {
        guard isOpen else { throw closedError("DB->get_flags") }
        var flags: UInt32 = 0
        try check("DB->get_flags", file: file) { handle.pointee.get_flags(handle, &flags) }
        return flags & UInt32(DB_CHKSUM) != 0
    }

    /// Opens a cursor over all records in key order.
    public func cursor(in transaction: Transaction? = nil) throws(BerkeleyDBError) -> Cursor {
        var cursor: UnsafeMutablePointer<DBC>?
        guard isOpen else { throw closedError("DB->cursor") }
        try check("DB->cursor", file: file) { handle.pointee.cursor(handle, transaction?.handle, &cursor, 0) }
        return Cursor(handle: cursor!, file: file)
    }

    /// Compacts the btree and returns emptied pages to the file system.
    /// Returns the number of pages given back.
    @discardableResult
    public func compact() throws(BerkeleyDBError) -> UInt32 {
        var data = DB_COMPACT()
        guard isOpen else { throw closedError("DB->compact") }
        try check("DB->compact", file: file) {
            handle.pointee.compact(handle, nil, nil, nil, &data, UInt32(DB_FREE_SPACE), nil)
        }
        return data.compact_pages_truncated
    }

    /// Flushes cached pages of this file to disk.
    public func sync() throws(BerkeleyDBError) {
        guard isOpen else { throw closedError("DB->sync") }
        try check("DB->sync", file: file) { handle.pointee.sync(handle, 0) }
    }

    /// Closes the handle.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        environment?.unregister(self)
        _ = handle.pointee.close(handle, 0)
    }

    /// Closes the handle on behalf of the environment, which is about to close.
    func closeForEnvironment() {
        guard isOpen else { return }
        isOpen = false
        _ = handle.pointee.close(handle, UInt32(DB_NOSYNC))
    }

    private func closedError(_ function: String) -> BerkeleyDBError {
        BerkeleyDBError(function: function, code: EBADF, file: file)
    }

    deinit { close() }
}

/// Copies a `DB_DBT_MALLOC` result into Swift memory and frees the C buffer.
func takeBytes(_ dbt: inout DBT) -> [UInt8] {
    defer { free(dbt.data) }
    guard let data = dbt.data, dbt.size > 0 else { return [] }
    return Array(UnsafeRawBufferPointer(start: data, count: Int(dbt.size)))
}
