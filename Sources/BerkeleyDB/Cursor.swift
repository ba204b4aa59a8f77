import CBerkeleyDB

/// A cursor walking a database in key order. Use it on the task that opened it; it
/// closes in `deinit`.
public final class Cursor {
    private let handle: UnsafeMutablePointer<DBC>
    private let file: String
    private var isOpen = true

    init(handle: UnsafeMutablePointer<DBC>, file: String) {
        self.handle = handle
        self.file = file
    }

    /// The next record, or nil past the last one.
    public func next() throws(BerkeleyDBError) -> (key: [UInt8], value: [UInt8])? {
        var k = DBT(); k.flags = UInt32(DB_DBT_MALLOC)
        var v = DBT(); v.flags = UInt32(DB_DBT_MALLOC)
        LibraryMessages.clear()
        let code = handle.pointee.get(handle, &k, &v, UInt32(DB_NEXT))
        if code == DB_NOTFOUND { return nil }
        if code != 0 { throw BerkeleyDBError(function: "DBC->get", code: code, file: file) }
        return (takeBytes(&k), takeBytes(&v))
    }

    /// Closes the cursor.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        _ = handle.pointee.close(handle)
    }

    deinit { close() }
}
