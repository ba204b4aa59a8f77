import CBerkeleyDB
import Glibc

/// One Berkeley DB btree file in an environment: byte keys to byte values.
///
/// Handles are opened with `DB_THREAD`, so every value read comes back in memory the
/// library allocates (`DB_DBT_MALLOC`) and is copied out and freed here.
public final class Database: @unchecked Sendable {
    let handle: UnsafeMutablePointer<DB>
    /// The file's path relative to the environment's data directory.
    public let file: String
    private var isOpen = true

    /// Opens (creating when missing) the btree `file` in `environment`.
    public init(file: String, in environment: Environment, create: Bool = true, readOnly: Bool = false) throws(BerkeleyDBError) {
        var db: UnsafeMutablePointer<DB>?
        try check("db_create", file: file) { db_create(&db, environment.handle, 0) }
        self.handle = db!
        self.file = file
        var flags = UInt32(DB_THREAD | DB_AUTO_COMMIT)
        if create { flags |= UInt32(DB_CREATE) }
        if readOnly { flags = UInt32(DB_THREAD | DB_RDONLY) }
        do {
            try check("DB->open", file: file) { handle.pointee.open(handle, nil, file, nil, DB_BTREE, flags, 0o600) }
        } catch {
            _ = handle.pointee.close(handle, 0)
            isOpen = false
            throw error
        }
    }

    /// Stores `value` under `key`, replacing what was there.
    public func put(_ key: [UInt8], _ value: [UInt8], in transaction: Transaction) throws(BerkeleyDBError) {
        var key = key
        var value = value
        let code = key.withUnsafeMutableBytes { keyBytes in
            value.withUnsafeMutableBytes { valueBytes in
                var k = DBT(); k.data = keyBytes.baseAddress; k.size = UInt32(keyBytes.count)
                var v = DBT(); v.data = valueBytes.baseAddress; v.size = UInt32(valueBytes.count)
                return handle.pointee.put(handle, transaction.handle, &k, &v, 0)
            }
        }
        if code != 0 { throw BerkeleyDBError(function: "DB->put", code: code, file: file) }
    }

    /// The value under `key`, or nil when there is none.
    public func get(_ key: [UInt8], in transaction: Transaction? = nil) throws(BerkeleyDBError) -> [UInt8]? {
        var key = key
        var v = DBT()
        v.flags = UInt32(DB_DBT_MALLOC)
        let code = key.withUnsafeMutableBytes { keyBytes in
            var k = DBT(); k.data = keyBytes.baseAddress; k.size = UInt32(keyBytes.count)
            return handle.pointee.get(handle, transaction?.handle, &k, &v, 0)
        }
        if code == DB_NOTFOUND { return nil }
        if code != 0 { throw BerkeleyDBError(function: "DB->get", code: code, file: file) }
        return takeBytes(&v)
    }

    /// Deletes `key`; returns false when it was not there.
    @discardableResult
    public func delete(_ key: [UInt8], in transaction: Transaction) throws(BerkeleyDBError) -> Bool {
        var key = key
        let code = key.withUnsafeMutableBytes { keyBytes in
            var k = DBT(); k.data = keyBytes.baseAddress; k.size = UInt32(keyBytes.count)
            return handle.pointee.del(handle, transaction.handle, &k, 0)
        }
        if code == DB_NOTFOUND { return false }
        if code != 0 { throw BerkeleyDBError(function: "DB->del", code: code, file: file) }
        return true
    }

    /// Opens a cursor over all records in key order.
    public func cursor(in transaction: Transaction? = nil) throws(BerkeleyDBError) -> Cursor {
        var cursor: UnsafeMutablePointer<DBC>?
        try check("DB->cursor", file: file) { handle.pointee.cursor(handle, transaction?.handle, &cursor, 0) }
        return Cursor(handle: cursor!, file: file)
    }

    /// Compacts the btree and returns emptied pages to the file system.
    /// Returns the number of pages given back.
    @discardableResult
    public func compact() throws(BerkeleyDBError) -> UInt32 {
        var data = DB_COMPACT()
        try check("DB->compact", file: file) {
            handle.pointee.compact(handle, nil, nil, nil, &data, UInt32(DB_FREE_SPACE), nil)
        }
        return data.compact_pages_truncated
    }

    /// Flushes cached pages of this file to disk.
    public func sync() throws(BerkeleyDBError) {
        try check("DB->sync", file: file) { handle.pointee.sync(handle, 0) }
    }

    /// Closes the handle.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        _ = handle.pointee.close(handle, 0)
    }

    deinit { close() }
}

/// Copies a `DB_DBT_MALLOC` result into Swift memory and frees the C buffer.
func takeBytes(_ dbt: inout DBT) -> [UInt8] {
    defer { free(dbt.data) }
    guard let data = dbt.data, dbt.size > 0 else { return [] }
    return Array(UnsafeRawBufferPointer(start: data, count: Int(dbt.size)))
}
