import GRDB

/// The prepared `INSERT OR REPLACE` of one table and the column order of its arguments.
struct RowReplacement {
    /// The columns, sorted, in the order of the statement's arguments.
    var columns: [String]
    /// The statement, prepared once per bundle.
    var statement: Statement
}

/// Whole rows from a bundle into the replica's catalog (docs/DESIGN.md, "Off-site copies").
extension ReplicaWriter {
    /// Inserts a whole row, or replaces the one with its id. Column names come from the
    /// bundle's field table, never from the bundle's bytes.
    func upsert(_ table: String, _ row: CatalogRow, replacing: Bool) throws {
        if replacing, let known = replaceStatements[table], known.columns.count == row.count,
            let arguments = Self.arguments(of: row, in: known.columns)
        {
            // Every row of a table has the same columns: neither the SQL text nor its
            // statement is built again for the next row.
            try known.statement.execute(arguments: arguments)
            return
        }
        let columns = row.keys.sorted()
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let arguments = StatementArguments(columns.map { row[$0]!.databaseValue })
        if replacing {
            let statement = try db.makeStatement(sql: "INSERT OR REPLACE INTO \(table)(\(list)) VALUES (\(marks))")
            replaceStatements[table] = RowReplacement(columns: columns, statement: statement)
            try statement.execute(arguments: arguments)
        } else {
            let updates = columns.filter { $0 != "id" }.map { "\"\($0)\" = excluded.\"\($0)\"" }.joined(separator: ", ")
            try db.execute(
                sql: "INSERT INTO \(table)(\(list)) VALUES (\(marks)) ON CONFLICT(id) DO UPDATE SET \(updates)", arguments: arguments)
        }
    }

    /// The values of `row` in the order of `columns`, nil when the row lacks one of them.
    static func arguments(of row: CatalogRow, in columns: [String]) -> StatementArguments? {
        var values: [DatabaseValue] = []
        values.reserveCapacity(columns.count)
        for column in columns {
            guard let value = row[column] else { return nil }
            values.append(value.databaseValue)
        }
        return StatementArguments(values)
    }
}
