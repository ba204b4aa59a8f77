import CBerkeleyDB
import Glibc

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
        guard var record = try advance() else { return nil }
        return (takeBytes(&record.key), takeBytes(&record.value))
    }

    /// Hands the next record to `body`, its value in the buffer the library read it
    /// into, with no copy (valid only during the call); nil past the last one.
    public func next<T>(_ body: (_ key: [UInt8], _ value: UnsafeRawBufferPointer) throws -> T) throws -> T? {
        guard var record = try advance() else { return nil }
        defer { free(record.value.data) }
        return try body(takeBytes(&record.key), UnsafeRawBufferPointer(start: record.value.data, count: Int(record.value.size)))
    }

    /// Moves to the next record; its key and value are in buffers the library
    /// allocated, which the caller frees. Nil past the last one.
    private func advance() throws(BerkeleyDBError) -> (key: DBT, value: DBT)? {
        var k = DBT(); k.flags = UInt32(DB_DBT_MALLOC)
        var v = DBT(); v.flags = UInt32(DB_DBT_MALLOC)
        LibraryMessages.clear()
        let code = handle.pointee.get(handle, &k, &v, UInt32(DB_NEXT))
        if code == DB_NOTFOUND { return nil }
        if code != 0 { throw BerkeleyDBError(function: "DBC->get", code: code, file: file) }
        return (k, v)
    }

    /// Closes the cursor.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        _ = handle.pointee.close(handle)
    }

    deinit { close() }
}
