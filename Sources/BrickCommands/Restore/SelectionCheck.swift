import BrickCore
import BrickStore

/// Turns a folder or key the store does not have into a usage error that lists near
/// matches, so a typo costs one retry, not a support ticket.
enum SelectionCheck {
    static func check(_ query: ItemQuery, in store: UserStore) throws {
        let folders = try store.folders(includeDeleted: true).map(\.path)
        for folder in query.folders where !folders.contains(where: { query.recursive ? $0.isWithin(folder) : $0 == folder }) {
            let near = nearest(folder.description, among: folders.map(\.description))
            throw UsageError("no folder '\(folder)' in the backup of \(store.user)" + hint(near))
        }
        guard !query.keys.isEmpty else { return }
        var all = ItemQuery()
        all.deleted = .yes
        let known = Set(try store.items(matching: { var q = all; q.keys = query.keys; return q }()).map(\.key))
        for key in query.keys where !known.contains(key) {
            var keys: [String] = []
            try store.forEachItem(matching: all) { keys.append($0.key.rawValue) }
            throw UsageError("no item with key '\(key)' in the backup of \(store.user)" + hint(nearest(key.rawValue, among: keys)))
        }
    }

    private static func hint(_ near: [String]) -> String {
        near.isEmpty ? "" : "; did you mean: " + near.map { "'\($0)'" }.joined(separator: ", ")
    }

    /// Up to five candidates closest to `text` by edit distance (case-insensitive),
    /// preferring those that contain it.
    static func nearest(_ text: String, among candidates: [String]) -> [String] {
        let lower = text.lowercased()
        let scored = candidates.map { candidate -> (String, Int) in
            let other = candidate.lowercased()
            let distance = other.contains(lower) || lower.contains(other) ? 0 : editDistance(lower, other)
            return (candidate, distance)
        }
        let limit = max(2, text.count / 3)
        return scored.filter { $0.1 <= limit }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(5).map(\.0)
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
