import BrickStore
import Foundation

/// Compares two stores completely: every catalog row of folders, items and runs, column
/// by column, and every item's stored value, byte for byte. Used by every off-site round
/// trip: a replica must equal its primary.
enum StoreComparison {
    /// The differences between the stores in `primary` and `replica` (user directories),
    /// one line each; empty when they are equal.
    /// Sealed stores open with the secrets in `keyring`.
    static func differences(_ primary: URL, _ replica: URL, keyring: StoreKeyring = .shared) throws -> [String] {
        let left = try Snapshot(primary, keyring: keyring)
        let right = try Snapshot(replica, keyring: keyring)
        var lines: [String] = []
        for (table, rows) in left.tables {
            let other = right.tables[table] ?? [:]
            for id in Set(rows.keys).union(other.keys).sorted() {
                switch (rows[id], other[id]) {
                case let (row?, nil): lines.append("\(table) \(id) only in the primary: \(describe(row))")
                case let (nil, row?): lines.append("\(table) \(id) only in the replica: \(describe(row))")
                case let (row?, otherRow?) where row != otherRow:
                    let columns = Set(row.keys).union(otherRow.keys).filter { row[$0] != otherRow[$0] }.sorted()
                    lines.append("\(table) \(id) differs in \(columns.map { "\($0): \(row[$0] ?? .null) vs \(otherRow[$0] ?? .null)" })")
                default: break
                }
            }
        }
        for (item, value) in left.values where right.values[item] != value {
            lines.append("value of \(item) differs (\(value?.count ?? -1) vs \(right.values[item]??.count ?? -1) bytes)")
        }
        return lines
    }

    private static func describe(_ row: CatalogRow) -> String {
        ["path", "key", "folder_id", "kind"].compactMap { column in row[column].map { "\(column)=\($0)" } }.joined(separator: " ")
    }

    /// Every row and value of one store.
    struct Snapshot {
        var tables: [String: [Int64: CatalogRow]] = [:]
        var values: [String: [UInt8]?] = [:]

        init(_ userDirectory: URL, keyring: StoreKeyring = .shared) throws {
            let store = try UserStore(layout: StoreLayout(userDirectory: userDirectory), mode: .readOnly, keyring: keyring)
            var folders: [Int64: CatalogRow] = [:]
            var items: [Int64: CatalogRow] = [:]
            var runs: [Int64: CatalogRow] = [:]
            var settings: [Int64: CatalogRow] = [:]
            var holds: [Int64: CatalogRow] = [:]
            try store.forEachChangedFolder(after: 0) { folders[$0["id"]!.integer!] = $0 }
            try store.forEachChangedItem(after: 0) { row, _ in items[row["id"]!.integer!] = row }
            try store.forEachRun(after: 0) { runs[$0["id"]!.integer!] = $0 }
            try store.forEachChangedSetting(after: 0) { settings[$0["id"]!.integer!] = $0 }
            try store.forEachChangedHold(after: 0) { holds[$0["id"]!.integer!] = $0 }
            tables = ["folders": folders, "items": items, "runs": runs, "settings": settings, "holds": holds]
            for row in items.values {
                let folder = row["folder_id"]!.integer!
                let key = row["key"]!.text!
                values["\(folder)/\(key)"] = try store.storedValue(folderID: folder, key: key)
            }
        }
    }
}
