import BrickCalendar

/// Calendar and contact items a run added, changed and marked deleted, by kind:
/// what the progress line and the summary show apart from mail. Their totals are
/// also in the run's item counts; from format 11 the `runs` row keeps them by kind.
public struct DAVChangeCounts: Sendable, Hashable {
    /// Counts of one kind.
    public struct Tally: Sendable, Hashable {
        /// Items new in the store.
        public var added = 0
        /// Items fetched again because their ETag changed.
        public var changed = 0
        /// Items marked deleted.
        public var deleted = 0

        /// All three together.
        public var total: Int { added + changed + deleted }
    }

    /// Counts by kind (`event`, `task`, `journal`, `contact`, `other`).
    public internal(set) var byKind: [DAVItemKind: Tally] = [:]

    /// No counts.
    public init() {}

    /// True when nothing was counted.
    public var isEmpty: Bool { byKind.values.allSatisfy { $0.total == 0 } }

    /// Items of every kind added, changed or deleted.
    public var total: Int { byKind.values.reduce(0) { $0 + $1.total } }

    /// Counts one item of `kind` (an unknown raw kind counts as `other`).
    mutating func count(_ kind: String?, _ change: WritableKeyPath<Tally, Int>) {
        let kind = kind.flatMap(DAVItemKind.init(rawValue:)) ?? .other
        byKind[kind, default: Tally()][keyPath: change] += 1
    }

    /// Adds `other`'s counts to these.
    public mutating func add(_ other: DAVChangeCounts) {
        for (kind, tally) in other.byKind {
            byKind[kind, default: Tally()].added += tally.added
            byKind[kind, default: Tally()].changed += tally.changed
            byKind[kind, default: Tally()].deleted += tally.deleted
        }
    }

    /// One line such as `events 3 new, 1 changed; contacts 2 deleted`, kinds in a
    /// fixed order and only those with counts; empty when nothing was counted.
    public var description: String { description(count: { String($0) }) }

    /// `description` with each number written by `count` (the command layer groups
    /// thousands).
    public func description(count: (Int) -> String) -> String {
        let names: [(DAVItemKind, String)] = [
            (.event, "events"), (.task, "tasks"), (.journal, "journal entries"), (.contact, "contacts"), (.other, "other"),
        ]
        return names.compactMap { kind, name -> String? in
            guard let tally = byKind[kind], tally.total > 0 else { return nil }
            let parts = [(tally.added, "new"), (tally.changed, "changed"), (tally.deleted, "deleted")]
                .filter { $0.0 > 0 }.map { "\(count($0.0)) \($0.1)" }
            return name + " " + parts.joined(separator: ", ")
        }.joined(separator: "; ")
    }
}
