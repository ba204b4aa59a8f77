import BrickCore
import Foundation
import GRDB

/// Per-folder figures for `stats`.
public struct FolderStats: Sendable, Hashable {
    /// The folder.
    public var path: FolderPath
    /// Whether the folder itself is gone upstream.
    public var isDeleted: Bool
    /// Items present upstream.
    public var items: Int
    /// Items marked deleted, kept until a purge.
    public var deletedItems: Int
    /// Raw bytes of all items.
    public var rawBytes: Int64
    /// Bytes the stored values take (header + LZ4 frame, or header + reference).
    public var storedBytes: Int64
    /// Items whose bytes are stored once, in another item's value.
    public var sharedItems = 0
}

/// Figures for a whole store.
public struct StoreStats: Sendable {
    /// Per folder, in path order.
    public var folders: [FolderStats]
    /// Bytes allocated on disk by the catalog, item files and logs (`st_blocks`, so
    /// sparse files count what they use; Berkeley DB region files are not counted).
    public var diskBytes: Int64
    /// The last run, if any.
    public var lastRun: RunRecord?

    /// Sum over folders.
    public var totals: FolderStats {
        folders.reduce(into: FolderStats(path: .root, isDeleted: false, items: 0, deletedItems: 0, rawBytes: 0, storedBytes: 0)) {
            $0.items += $1.items
            $0.deletedItems += $1.deletedItems
            $0.rawBytes += $1.rawBytes
            $0.storedBytes += $1.storedBytes
            $0.sharedItems += $1.sharedItems
        }
    }
}

extension UserStore {
    /// Items, deleted items and bytes per folder, and the store's size on disk.
    public func stats() throws(StoreError) -> StoreStats {
        let folders = try readCatalog { db in
            try Row.fetchAll(db, sql: """
                SELECT f.path, f.deleted_run IS NOT NULL AS folder_deleted,
                    COALESCE(SUM(i.id IS NOT NULL AND i.deleted_run IS NULL), 0) AS present,
                    COALESCE(SUM(i.deleted_run IS NOT NULL), 0) AS deleted,
                    COALESCE(SUM(i.size), 0) AS raw, COALESCE(SUM(i.stored_size), 0) AS stored,
                    COALESCE(SUM(i.body_folder_id IS NOT NULL), 0) AS shared
                FROM folders f LEFT JOIN items i ON i.folder_id = f.id
                GROUP BY f.id ORDER BY f.path, f.id
                """
            ).map {
                FolderStats(
                    path: FolderPath(parsing: $0[0]), isDeleted: $0[1], items: $0[2], deletedItems: $0[3],
                    rawBytes: $0[4], storedBytes: $0[5], sharedItems: $0[6])
            }
        }
        return StoreStats(folders: folders, diskBytes: FileSystem.diskUsage(layout.userDirectory), lastRun: try runs().last)
    }
}
