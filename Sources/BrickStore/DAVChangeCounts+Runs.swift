import BrickCalendar
import GRDB

/// The per-kind columns of the `runs` row (format 11, docs/FORMAT.md §4): for each kind
/// `<prefix>_added`, `<prefix>_changed` and `<prefix>_deleted`.
extension DAVChangeCounts {
    /// Format constant: each kind and the prefix of its columns, in column order.
    static let runColumnPrefixes: [(DAVItemKind, String)] = [
        (.event, "events"), (.task, "tasks"), (.journal, "journals"), (.contact, "contacts"), (.other, "dav_other"),
    ]

    /// Format constant: the column names, in the order of `runColumnValues`.
    public static let runColumnNames: [String] = runColumnPrefixes.flatMap { _, prefix in
        ["\(prefix)_added", "\(prefix)_changed", "\(prefix)_deleted"]
    }

    /// The counts in the order of `runColumnNames`.
    public var runColumnValues: [Int] {
        Self.runColumnPrefixes.flatMap { kind, _ -> [Int] in
            let tally = byKind[kind] ?? Tally()
            return [tally.added, tally.changed, tally.deleted]
        }
    }

    /// The counts a `runs` row holds; a row without the columns (a catalog not yet
    /// migrated, read by the plain reader) holds none.
    init(runRow row: Row) {
        self.init()
        for (kind, prefix) in Self.runColumnPrefixes {
            let tally = Tally(
                added: row["\(prefix)_added"] ?? 0, changed: row["\(prefix)_changed"] ?? 0, deleted: row["\(prefix)_deleted"] ?? 0)
            if tally.total > 0 { byKind[kind] = tally }
        }
    }
}
