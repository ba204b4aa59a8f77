import BrickCore
import BrickStore
import Foundation

/// Commits a source's batches for one folder into the store and keeps the counts.
///
/// Commits run one at a time, in order, on a task of their own: `commit` returns as
/// soon as the previous batch is durable and this one is under way, so the source reads
/// the next batch while this one is hashed, compressed and written. `finish` waits for
/// the last one. At most two batches are in memory.
final class StoreSink: ChangeSink, @unchecked Sendable {
    private let store: UserStore
    private let folder: StoredFolder
    private let run: RunHandle
    private let progress: BackupProgress?
    private let lock = NSLock()
    private var totals = BatchOutcome()
    private var skippedItems: [SkippedItem] = []
    private var pending: Task<Void, any Error>?

    init(store: UserStore, folder: StoredFolder, run: RunHandle, progress: BackupProgress?) {
        self.store = store
        self.folder = folder
        self.run = run
        self.progress = progress
    }

    func commit(_ batch: ChangeBatch) async throws {
        try await finish()
        if !batch.skipped.isEmpty { lock.withLock { skippedItems += batch.skipped } }
        let (store, folder, run) = (self.store, self.folder, self.run)
        let task = Task.detached { [weak self] in
            let outcome = try store.commit(batch, to: folder, run: run)
            self?.record(outcome)
        }
        lock.withLock { pending = task }
    }

    /// Waits until every batch handed over so far is durable; rethrows a failure.
    func finish() async throws {
        let task = lock.withLock { () -> Task<Void, any Error>? in
            defer { pending = nil }
            return pending
        }
        try await task?.value
    }

    private func record(_ outcome: BatchOutcome) {
        progress?.added(items: outcome.added, bytes: outcome.bytes, dav: outcome.dav.total)
        lock.withLock {
            totals.added += outcome.added
            totals.updated += outcome.updated
            totals.deleted += outcome.deleted
            totals.bytes += outcome.bytes
            totals.notes += outcome.notes
            totals.dav.add(outcome.dav)
        }
    }

    /// Items the source saw and could not hand over, as reported with the batches.
    var skipped: [SkippedItem] {
        lock.withLock { skippedItems }
    }

    /// What the folder's sync changed.
    var outcome: BatchOutcome {
        lock.withLock { totals }
    }
}
