import BrickCore
import Foundation
import GRDB

/// The items a query selects, a page at a time: folder by folder in path order, then by
/// received date and key. For callers that do slow work between pages (a restore) and
/// must not hold every row in memory.
///
/// Each page is one short read of the rows after the last one returned, on the index
/// `(folder_id, received_at, key)`. No read transaction stays open between
/// pages, so a backup can commit meanwhile; a row it adds after the pager has passed
/// its place is not returned.
public final class ItemPager {
    private let store: UserStore
    private let query: ItemQuery
    private let pageSize: Int
    private var plan: Plan?
    private var folderIndex = 0
    private var after: (receivedAt: Int64, key: String)?
    private var returned = 0

    /// Prepares to page through what `query` selects in `store`.
    public init(store: UserStore, query: ItemQuery, pageSize: Int = 500) {
        self.store = store
        self.query = query
        self.pageSize = max(1, pageSize)
    }

    /// The next page, or nil when every selected item has been returned.
    public func next() throws(StoreError) -> [CatalogItem]? {
        if plan == nil { plan = try makePlan() }
        guard let plan else { return nil }
        let (folders, conditions, arguments) = (plan.folders, plan.conditions, plan.arguments)
        while folderIndex < folders.count {
            let remaining = query.limit.map { $0 - returned } ?? pageSize
            guard remaining > 0 else { return nil }
            let folder = folders[folderIndex]
            var clauses = conditions + ["i.folder_id = ?"]
            var values = arguments + [folder.id]
            if let after {
                clauses.append("(i.received_at, i.key) > (?, ?)")
                values += [after.receivedAt, after.key]
            }
            let sql = """
                SELECT i.* FROM items i WHERE \(clauses.joined(separator: " AND "))
                ORDER BY i.received_at, i.key LIMIT \(min(pageSize, remaining))
                """
            let textSeal = store.sealing.textSeal
            let page = try store.readCatalog { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map { row in
                    (CatalogItem(row: row, folderPath: folder.path, textSeal: textSeal), row["received_at"] as Int64)
                }
            }
            if let last = page.last {
                after = (last.1, last.0.key.rawValue)
                returned += page.count
                return page.map(\.0)
            }
            folderIndex += 1
            after = nil
        }
        return nil
    }

    /// What every page reads: the folders to visit, in the catalog's path order (then id,
    /// for a deleted and a live folder that share a path), and the other conditions.
    private struct Plan {
        var folders: [(id: FolderID, path: FolderPath)]
        var conditions: [String]
        var arguments: [(any DatabaseValueConvertible)?]
    }

    private func makePlan() throws(StoreError) -> Plan {
        let all = try store.folders(includeDeleted: true)
        let selected = query.folders.isEmpty ? Set(all.map(\.id)) : Set(try store.folderIDs(for: query.folders, recursive: query.recursive))
        let (conditions, arguments) = try store.filterConditions(query)
        return Plan(folders: all.filter { selected.contains($0.id) }.map { ($0.id, $0.path) }, conditions: conditions, arguments: arguments)
    }
}
