import GRDB

extension StoreError {
    /// True when the catalog itself is damaged (SQLite finds it malformed or not a
    /// database): `verify` reports this as damage, and `repair` rebuilds the catalog.
    public var isDamagedCatalog: Bool {
        guard case .catalog(_, let underlying) = self, let error = underlying as? DatabaseError else { return false }
        return error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB
    }
}
