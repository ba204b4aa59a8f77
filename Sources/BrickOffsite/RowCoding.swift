import BrickBundle
import BrickStore

/// Catalog rows to bundle fields and back, through the tables of `OffsiteColumns`.
enum RowCoding {
    /// The fields of a row; a column without a field is an error, a NULL is left out.
    static func fields(of row: CatalogRow, table: String, columns: [OffsiteColumn], user: String) throws -> BundleFields {
        var fields = BundleFields()
        var mapped = 0
        for column in columns {
            guard let value = row[column.name] else { continue }
            mapped += 1
            switch value {
            case .null: break
            case .integer(let number): fields.set(column.tag, number)
            case .text(let text): fields.set(column.tag, text)
            case .blob(let bytes): fields.set(column.tag, bytes: bytes)
            }
        }
        // Every column of the row has a field unless some column is not in `columns`.
        if mapped != row.count {
            let known = Set(columns.map(\.name))
            let stray = row.keys.sorted().first { !known.contains($0) } ?? ""
            throw OffsiteError.unmappedColumn(user: user, table: table, column: stray)
        }
        return fields
    }

    /// The row the fields describe: every column of the table, absent fields as NULL.
    static func row(of fields: BundleFields, columns: [OffsiteColumn]) throws -> CatalogRow {
        var row: CatalogRow = [:]
        for column in columns {
            switch column.kind {
            case .integer: row[column.name] = try fields.int(column.tag).map(CatalogValue.integer) ?? .null
            case .text: row[column.name] = try fields.string(column.tag).map(CatalogValue.text) ?? .null
            case .bytes: row[column.name] = fields.bytes(column.tag).map(CatalogValue.blob) ?? .null
            }
        }
        return row
    }
}
