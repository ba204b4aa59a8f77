import BrickCore
import BrickStore

/// How the upstream folder list maps onto the stored one: which stored folders were
/// renamed or moved (same identity at a new path), which are gone, which are new.
struct FolderReconciliation {
    /// Stored folders that now live at another path.
    var moves: [(stored: StoredFolder, to: SourceFolder)] = []
    /// Stored folders that exist upstream no more.
    var gone: [StoredFolder] = []

    /// Compares `upstream` (all folders upstream, unfiltered) with `stored` (live).
    init(upstream: [SourceFolder], stored: [StoredFolder]) {
        let upstreamPaths = Set(upstream.map(\.path))
        let storedPaths = Set(stored.map(\.path))
        let vanished = stored.filter { !upstreamPaths.contains($0.path) }
        let appeared = upstream.filter { !storedPaths.contains($0.path) }
        var appearedByIdentity: [String: SourceFolder] = [:]
        for folder in appeared {
            if let identity = folder.identity { appearedByIdentity[identity] = folder }
        }
        var movedIDs = Set<FolderID>()
        for folder in vanished {
            if let identity = folder.identity, let target = appearedByIdentity.removeValue(forKey: identity) {
                moves.append((folder, target))
                movedIDs.insert(folder.id)
            }
        }
        // A folder moved with its parent is not itself gone: it travels with it.
        gone = vanished.filter { folder in
            !movedIDs.contains(folder.id)
                && !moves.contains { folder.path.isWithin($0.stored.path) && folder.path != $0.stored.path }
        }
        // Move parents before children so each child's new parent exists.
        moves.sort { $0.stored.path.depth < $1.stored.path.depth }
    }
}
