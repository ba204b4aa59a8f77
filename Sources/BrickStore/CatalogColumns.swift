import GRDB
import GRDBSQLite

/// The storage class of one column of the current row, as SQLite reports it.
public enum CatalogColumnKind: Sendable {
    /// SQL NULL.
    case null
    /// An integer.
    case integer
    /// A REAL, which reads as an integer (truncated), as `CatalogValue` has it.
    case real
    /// Text.
    case text
    /// A blob.
    case blob
}

/// The current row of a catalog read, column by column through SQLite's C API: no
/// dictionary of column names, no `String` for ASCII text, no copy of a blob. Valid only
/// inside the call that hands it over (the statement moves on after it).
public struct CatalogColumns {
    private let statement: OpaquePointer

    init(_ statement: OpaquePointer) { self.statement = statement }

    /// The number of columns.
    public var count: Int32 { sqlite3_column_count(statement) }

    /// The name of column `index`.
    public func name(_ index: Int32) -> String { String(cString: sqlite3_column_name(statement, index)) }

    /// The storage class of column `index` in the current row.
    public func kind(_ index: Int32) -> CatalogColumnKind {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer
        case SQLITE_FLOAT: return .real
        case SQLITE_TEXT: return .text
        default: return .blob
        }
    }

    /// Column `index` as an integer: a REAL truncated as `CatalogValue` does, 0 for NULL.
    public func int64(_ index: Int32) -> Int64 {
        if sqlite3_column_type(statement, index) == SQLITE_FLOAT { return Int64(sqlite3_column_double(statement, index)) }
        return sqlite3_column_int64(statement, index)
    }

    /// Column `index` as an integer, once `kind(index)` said it is `.integer` or `.real`
    /// (the storage class is not looked up again).
    public func int64(_ index: Int32, of kind: CatalogColumnKind) -> Int64 {
        kind == .real ? Int64(sqlite3_column_double(statement, index)) : sqlite3_column_int64(statement, index)
    }

    /// Column `index`'s text as UTF-8, the same bytes as the `String` GRDB would make of
    /// it (up to a NUL, invalid UTF-8 repaired); only non-ASCII text is made a `String`.
    public func withText<T>(_ index: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        guard let text = sqlite3_column_text(statement, index) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        let bytes = UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, index)))
        var ascii = true
        for byte in bytes where byte == 0 || byte >= 0x80 {
            ascii = false
            break
        }
        if ascii { return try body(bytes) }
        var string = String(cString: text)
        return try string.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }

    /// Column `index`'s bytes, empty for a NULL or an empty blob.
    public func withBlob<T>(_ index: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let count = Int(sqlite3_column_bytes(statement, index))
        guard count > 0, let bytes = sqlite3_column_blob(statement, index) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// Column `index` as text (`withText`'s bytes), nil for NULL.
    public func text(_ index: Int32) -> String? {
        guard sqlite3_column_type(statement, index) != SQLITE_NULL else { return nil }
        return withText(index) { String(decoding: $0, as: UTF8.self) }
    }
}

extension GRDB.Database {
    /// Runs cached statement `sql` with `arguments` and hands each row to `body` as
    /// `CatalogColumns`; the statement is reset afterwards, so no read stays open.
    func forEachColumns(sql: String, arguments: StatementArguments, _ body: (CatalogColumns) throws -> Void) throws {
        let statement = try cachedStatement(sql: sql)
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)), sql: sql)
            }
            try body(CatalogColumns(handle))
        }
    }
}
