import Foundation
import GRDB

/// A run in progress: its id and the time every change it makes is stamped with.
public struct RunHandle: Sendable, Hashable {
    /// The run's id in the `runs` table.
    public var id: RunID
    /// The run's time, in whole seconds (items added or deleted by it carry this time).
    public var time: Int64
    /// The run's time as a date.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(time)) }
}

/// Totals a run reports when it finishes.
public struct RunTotals: Sendable, Hashable {
    /// Items new in the store.
    public var itemsAdded = 0
    /// Items whose flags changed.
    public var itemsUpdated = 0
    /// Items marked deleted.
    public var itemsDeleted = 0
    /// Items removed for good by a purge.
    public var itemsPurged = 0
    /// Folders new in the store.
    public var foldersAdded = 0
    /// Folders marked deleted.
    public var foldersDeleted = 0
    /// Raw bytes of new items.
    public var bytesAdded: Int64 = 0
    /// Items seen upstream but not stored (an unreadable file, a FETCH without a
    /// body); each also has a line in `errors`, and the next run tries it again.
    public var itemsSkipped = 0
    /// Folders seen upstream but not backed up in this run (the folder failed, or
    /// could not be read); each also has a line in `errors`.
    public var foldersSkipped = 0
    /// Errors, one line each (folder and key included).
    public var errors: [String] = []
    /// Settings new, changed or gone in the run (not kept in the `runs` row).
    public var settingsChanged = 0
    /// What the source said of settings it does not offer ("no ManageSieve"), one line
    /// each; not errors, and not kept in the `runs` row.
    public var notes: [String] = []
    /// The calendar and contact items among the item counts, by kind (kept in the
    /// `runs` row's per-kind columns from format 11).
    public var dav = DAVChangeCounts()

    /// Creates empty totals.
    public init() {}

    /// Adds another set of totals to this one.
    public mutating func add(_ other: RunTotals) {
        itemsAdded += other.itemsAdded
        itemsUpdated += other.itemsUpdated
        itemsDeleted += other.itemsDeleted
        itemsPurged += other.itemsPurged
        foldersAdded += other.foldersAdded
        foldersDeleted += other.foldersDeleted
        bytesAdded += other.bytesAdded
        itemsSkipped += other.itemsSkipped
        foldersSkipped += other.foldersSkipped
        errors += other.errors
        settingsChanged += other.settingsChanged
        notes += other.notes
        dav.add(other.dav)
    }
}

extension UserStore {
    /// SQL for the latest run's id: the stamp of a change made without a run at hand
    /// (a move finished when the store opens, a purge outside a run). It is never
    /// older than the run that made the change.
    static let latestRunSQL = "(SELECT MAX(id) FROM runs)"

    /// Starts a `backup` or `purge` run. A later run always gets a larger time than an
    /// earlier one, even within the same second, so "as of" is exact.
    ///
    /// The run's row is not written here: it goes into the first catalog transaction
    /// of the run (its first batch, or `finishRun`), so a run that changes nothing costs
    /// one transaction, not two. The store's writer lock makes this handle the only
    /// writer, so the id read here is the one the row gets. A process killed before the
    /// run wrote anything leaves no row (it changed nothing either).
    public func beginRun(kind: String, source: String? = nil, at date: Date = Date()) throws(StoreError) -> RunHandle {
        guard isWritable else { throw .readOnly(user: user) }
        try writePendingRunNow()
        let (lastID, lastTime) = try readCatalog { db -> (Int64, Int64) in
            let row = try Row.fetchOne(db, sql: "SELECT MAX(id), MAX(started_at) FROM runs")
            return (row?[0] ?? 0, row?[1] ?? 0)
        }
        let time = max(Int64(date.timeIntervalSince1970.rounded(.down)), lastTime + 1)
        let run = RunHandle(id: lastID + 1, time: time)
        runLock.withLock { pendingRun = PendingRun(run: run, kind: kind, source: source) }
        return run
    }

    /// Records the end of a run with its totals and status (`ok`, `partial`, `failed`),
    /// in one transaction with the run's row when nothing else wrote it.
    /// The end is never before the start: a start moved forward past the clock (runs
    /// within one second are stamped a second apart) ends at its stamped start.
    public func finishRun(_ run: RunHandle, totals: RunTotals, status: String, at date: Date = Date()) throws(StoreError) {
        let finished = max(Int64(date.timeIntervalSince1970), run.time)
        try withCatalog { db in
            try db.execute(
                sql: """
                    UPDATE runs SET finished_at = ?, status = ?, items_added = ?, items_updated = ?,
                        items_deleted = ?, items_purged = ?, folders_added = ?, folders_deleted = ?,
                        bytes_added = ?, items_skipped = ?, folders_skipped = ?, error_count = ?, errors = ?,
                        \(DAVChangeCounts.runColumnNames.map { "\($0) = ?" }.joined(separator: ", "))
                    WHERE id = ?
                    """,
                arguments: StatementArguments([
                    finished, status, totals.itemsAdded, totals.itemsUpdated,
                    totals.itemsDeleted, totals.itemsPurged, totals.foldersAdded, totals.foldersDeleted,
                    totals.bytesAdded, totals.itemsSkipped, totals.foldersSkipped, totals.errors.count,
                    totals.errors.isEmpty ? nil : totals.errors.joined(separator: "\n"),
                ] as [(any DatabaseValueConvertible)?]) + StatementArguments(totals.dav.runColumnValues) + [run.id])
        }
        try writeMissingExportCursorFile()
    }

    /// Every run, oldest first.
    public func runs() throws(StoreError) -> [RunRecord] {
        try readCatalog { db in try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map(RunRecord.init(row:)) }
    }

    /// The last backup run that started on or before `date`, for "as of" queries.
    public func lastBackupRun(onOrBefore date: Date) throws(StoreError) -> RunID? {
        try readCatalog { db in
            try RunID.fetchOne(
                db, sql: "SELECT MAX(id) FROM runs WHERE kind = 'backup' AND started_at <= ?",
                arguments: [Int64(date.timeIntervalSince1970)])
        }
    }
}
