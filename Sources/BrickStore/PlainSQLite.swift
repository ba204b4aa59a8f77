import Foundation
import GRDB
import GRDBSQLite

/// A read-only SQLite connection through the C API alone: no GRDB queue, authorizer or
/// observation, for the search across thousands of catalogs where those cost more than
/// the query (docs/DESIGN.md "Search across users"). Owns its handle and closes it in
/// `deinit`; every C call goes through `check`, which turns a result code into the
/// `DatabaseError` GRDB would have thrown.
final class PlainSQLite {
    private var handle: OpaquePointer?

    /// Opens the database at `path` (a file name, or a `file:` URI such as one with
    /// `immutable=1`) read-only (`SQLITE_OPEN_READONLY`: no writes, no checkpoint at
    /// close), waiting up to `busyMilliseconds` for a writer's lock.
    init(path: String, busyMilliseconds: Int32 = 30_000) throws {
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            handle = nil
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
        try check(sqlite3_busy_timeout(handle, busyMilliseconds))
    }

    deinit { sqlite3_close_v2(handle) }

    /// Compiles `sql`; the statement lives no longer than this connection.
    func prepare(_ sql: String) throws -> PlainStatement {
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v3(handle, sql, -1, 0, &statement, nil), sql: sql)
        guard let statement else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "empty statement", sql: sql) }
        return PlainStatement(statement, connection: self, sql: sql)
    }

    /// Throws the connection's error for `code` unless it is `SQLITE_OK`.
    func check(_ code: Int32, sql: String? = nil) throws {
        guard code != SQLITE_OK else { return }
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: handle.map { String(cString: sqlite3_errmsg($0)) }, sql: sql)
    }
}

/// A compiled statement of a `PlainSQLite` connection: bind, step, read columns.
final class PlainStatement {
    private let statement: OpaquePointer
    private let connection: PlainSQLite
    private let sql: String

    fileprivate init(_ statement: OpaquePointer, connection: PlainSQLite, sql: String) {
        self.statement = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(statement) }

    /// Binds `values` to the parameters from the first on, after a reset.
    func bind(_ values: [DatabaseValue]) throws {
        sqlite3_reset(statement)
        try connection.check(sqlite3_clear_bindings(statement), sql: sql)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value.storage {
            case .null: code = sqlite3_bind_null(statement, index)
            case .int64(let number): code = sqlite3_bind_int64(statement, index, number)
            case .double(let number): code = sqlite3_bind_double(statement, index, number)
            case .string(let text): code = sqlite3_bind_text(statement, index, text, -1, transientDestructor)
            case .blob(let data):
                code = data.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transientDestructor) }
            }
            try connection.check(code, sql: sql)
        }
    }

    /// Moves to the next row: true when there is one, false when done.
    func step() throws -> Bool {
        let code = sqlite3_step(statement)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        try connection.check(code, sql: sql)
        return false
    }

    /// Whether column `index` of the current row is NULL.
    func isNull(_ index: Int32) -> Bool { sqlite3_column_type(statement, index) == SQLITE_NULL }

    /// Column `index` as an integer (0 for NULL).
    func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(statement, index) }

    /// Column `index` as an integer, nil for NULL.
    func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }

    /// Column `index` as text, nil for NULL.
    func text(_ index: Int32) -> String? {
        guard let bytes = sqlite3_column_text(statement, index) else { return nil }
        return String(cString: bytes)
    }

    /// Column `index` as bytes, nil for NULL.
    func blob(_ index: Int32) -> [UInt8]? {
        guard !isNull(index) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, index))
        guard count > 0, let bytes = sqlite3_column_blob(statement, index) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}

/// SQLite's `SQLITE_TRANSIENT`: copy the bound bytes at once.
private let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
