import GRDB

/// The item rows of an export read column by column (docs/DESIGN.md, "Off-site
/// copies"): the same rows, order and pages as `changedItems`, without a dictionary
/// per row.
extension UserStore {
    /// The items columns a bundle never carries: the sealed text and its blind index
    /// entries (FORMAT.md §10.5; `openedItemRow` drops them).
    public static let sealedItemColumns: Set<String> = ["sealed_text", "from_addr_mac", "from_domain_mac"]

    /// Hands `body` up to `limit` item rows added, changed, deleted or given a new value
    /// after run `cursor`, each with whether its value is new since then, in folder then
    /// key order, starting after `position` (from the start when nil); returns the
    /// position of the last row when the page was full, nil when the walk is done. One
    /// short read, like
    /// `changedItems`; the columns are the stored ones, so a store that seals catalog
    /// text needs `changedItems` (which opens it) instead.
    public func forEachChangedItemColumns(
        after cursor: RunID, following position: ItemPosition?, limit: Int,
        _ body: (CatalogColumns, _ valueChanged: Bool) throws -> Void
    ) throws -> ItemPosition? {
        try readCatalogPassingErrors { db in
            var indexes: (added: Int32, value: Int32, folder: Int32, key: Int32)?
            var last: (folder: FolderID, key: String)?
            var rows = 0
            try db.forEachColumns(sql: """
                SELECT * FROM items
                WHERE (added_run > ?1 OR updated_run > ?1 OR deleted_run > ?1 OR value_run > ?1)
                  AND (folder_id, key) > (?2, ?3)
                ORDER BY folder_id, key LIMIT ?4
                """, arguments: [cursor, position?.folderID ?? FolderID.min, position?.key ?? "", limit]
            ) { columns in
                let at = try indexes ?? Self.itemIndexes(columns, user: user)
                indexes = at
                let valueChanged = columns.int64(at.added) > cursor || columns.int64(at.value) > cursor
                try body(columns, valueChanged)
                rows += 1
                if rows == limit { last = (columns.int64(at.folder), columns.text(at.key) ?? "") }
            }
            if let last { return ItemPosition(folderID: last.folder, key: last.key) }
            return nil
        }
    }

    /// The positions of the columns a page of item rows needs.
    private static func itemIndexes(
        _ columns: CatalogColumns, user: String
    ) throws -> (added: Int32, value: Int32, folder: Int32, key: Int32) {
        var found: [String: Int32] = [:]
        for index in 0..<columns.count { found[columns.name(index)] = index }
        guard let added = found["added_run"], let value = found["value_run"], let folder = found["folder_id"], let key = found["key"]
        else {
            throw StoreError.corrupt(user: user, detail: "the items table lacks a column export needs")
        }
        return (added, value, folder, key)
    }
}
