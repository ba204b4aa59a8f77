import BrickCore
import Foundation

/// One item `repair` removed from the catalog because its bytes are gone.
public struct LostItem: Sendable, Hashable, CustomStringConvertible {
    /// The folder it was in.
    public var folder: FolderPath
    /// Its key.
    public var key: String
    /// Why its bytes are gone (missing value, damaged value, holder gone).
    public var reason: String
    /// True when it was marked deleted upstream (or its folder was): no backup can fetch
    /// it again, so it is lost for good.
    public var deletedUpstream: Bool

    public var description: String {
        "\(deletedUpstream ? "unrecoverable" : "refetch"): \(folder) \(key): \(reason)"
    }
}

/// What `repair` did to a user's store, and what it could not undo.
public struct RepairReport: Sendable {
    /// Where the damaged catalog was set aside when a new one was rebuilt from the
    /// item values; nil when the catalog was sound.
    public var damagedCatalogKeptAt: String?
    /// Why the catalog was rebuilt.
    public var catalogProblem: String?
    /// True when the rebuilt catalog took the store's identity from `export-cursors`.
    public var storeIdentityKept = false
    /// Export targets whose cursors the rebuilt catalog took from `export-cursors`: the
    /// next export of each is a full bundle numbered after the last one.
    public var exportTargetsKept: [String] = []
    /// Folders and items the rebuilt catalog holds.
    public var foldersRebuilt = 0, itemsRebuilt = 0
    /// Values that do not even decode a header, left in place (verify lists them as orphans).
    public var undecodableValues = 0
    /// Item files that could not be opened, set aside as `items.db.damaged-<time>`.
    public var itemFilesSetAside: [String] = []
    /// Rows removed because their bytes are gone.
    public var lost: [LostItem] = []
    /// Items whose holder was gone and that now refer to another item with the same bytes.
    public var referencesRepointed = 0
    /// Folders whose sync token was reset so the next backup compares them in full.
    public var foldersReset: [FolderPath] = []

    /// Creates an empty report.
    public init() {}

    /// Items no backup can bring back: deleted upstream and their bytes gone.
    public var unrecoverable: [LostItem] { lost.filter(\.deletedUpstream) }
    /// Items the next backup fetches again if the source still has them.
    public var toRefetch: [LostItem] { lost.filter { !$0.deletedUpstream } }
    /// True when the store was sound and nothing changed.
    public var nothingToDo: Bool {
        catalogProblem == nil && lost.isEmpty && referencesRepointed == 0 && itemFilesSetAside.isEmpty
    }
}
