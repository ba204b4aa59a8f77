import Foundation
import GRDB

/// A run whose row is not written yet (see `UserStore.beginRun`).
struct PendingRun: Sendable {
    /// The id and time the run was given.
    var run: RunHandle
    /// `backup`, `purge`, `hold`, `repair`.
    var kind: String
    /// What the run reads from, when it says.
    var source: String?
}

extension UserStore {
    /// Writes the pending run's row in `db`'s transaction, first, and returns its id;
    /// nil when no run is pending. Called inside every catalog write.
    func writePendingRun(_ db: GRDB.Database) throws -> RunID? {
        guard let pending = runLock.withLock({ pendingRun }) else { return nil }
        // Two writes queued at once may both find the run pending: the second finds
        // the row written, with the same values.
        try db.execute(
            sql: "INSERT OR IGNORE INTO runs(id, kind, source, started_at) VALUES (?, ?, ?, ?)",
            arguments: [pending.run.id, pending.kind, pending.source, pending.run.time])
        return pending.run.id
    }

    /// Notes a committed catalog write; the run it wrote is no longer pending.
    func committedCatalogWrite(writtenRun: RunID?) {
        runLock.withLock {
            catalogWrites += 1
            if let writtenRun, pendingRun?.run.id == writtenRun { pendingRun = nil }
        }
    }

    /// Writes a pending run's row now, in a transaction of its own.
    func writePendingRunNow() throws(StoreError) {
        guard runLock.withLock({ pendingRun != nil }) else { return }
        try withCatalog { _ in }
    }

    /// Catalog write transactions this handle has committed (tests count what a run
    /// writes with it).
    var catalogWriteCount: Int {
        runLock.withLock { catalogWrites }
    }
}
