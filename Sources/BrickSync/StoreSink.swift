import BrickCore
import BrickStore
import Foundation

/// Commits a source's batches for one folder into the store and keeps the counts.
///
/// Each batch is prepared (hashed, compressed, parsed) on a task of its own while the
/// batch before it is written; writes run one at a time, in order, each after the one
/// before is durable. A write's catalog transaction is committed by the store's
/// catalog pipeline while the next batch's values are written, and follows the one of
/// the batch before: after a failed one, no later batch of the folder gets rows.
/// `commit` returns once the previous batch is prepared, so the source reads the next
/// batch meanwhile; `finish` waits for the last catalog transaction. At most three
/// batches are in memory: one being written, one prepared, one being read (plus the
/// rows of one whose catalog transaction is under way).
final class StoreSink: ChangeSink, @unchecked Sendable {
    private let store: UserStore
    private let folder: StoredFolder
    private let run: RunHandle
    private let progress: BackupProgress?
    private let lock = NSLock()
    private var totals = BatchOutcome()
    private var skippedItems: [SkippedItem] = []
    /// The write of the last batch, done when its values are durable.
    private var pending: Task<CatalogCommit, any Error>?
    /// Done when the batch of `pending` is prepared.
    private var pendingPrepared: Task<Void, any Error>?
    /// The write of the batch before `pending`'s.
    private var olderPending: Task<CatalogCommit, any Error>?

    init(store: UserStore, folder: StoredFolder, run: RunHandle, progress: BackupProgress?) {
        self.store = store
        self.folder = folder
        self.run = run
        self.progress = progress
    }

    func commit(_ batch: ChangeBatch) async throws {
        let (previous, previousPrepared, older) = lock.withLock { (pending, pendingPrepared, olderPending) }
        if let older {
            let failure: (any Error)?
            switch await older.result {
            case .failure(let error): failure = error
            case .success(let catalogCommit): failure = catalogCommit.failure
            }
            if let failure {
                _ = await previous?.result
                throw failure
            }
        }
        // A failed prepare fails its write task too, which the next call or `finish` rethrows.
        _ = try? await previousPrepared?.value
        if !batch.skipped.isEmpty { lock.withLock { skippedItems += batch.skipped } }
        let (store, folder, run) = (self.store, self.folder, self.run)
        let prepared = Task.detached { try store.prepare(batch, for: folder) }
        let task = Task.detached { [weak self] () throws -> CatalogCommit in
            // The write before finishes first, even when this prepare failed.
            let ready = await prepared.result
            let before = try await previous?.value
            let catalogCommit = try store.commitValues(try ready.get(), to: folder, run: run, after: before)
            catalogCommit.onFinish { [weak self] result in
                if case .success(let outcome) = result { self?.record(outcome) }
            }
            return catalogCommit
        }
        lock.withLock {
            olderPending = previous
            pending = task
            pendingPrepared = Task { _ = try await prepared.value }
        }
    }

    /// Waits until every batch handed over so far is durable, its catalog transaction
    /// included; rethrows a failure.
    func finish() async throws {
        let task = lock.withLock { () -> Task<CatalogCommit, any Error>? in
            defer { pending = nil; pendingPrepared = nil; olderPending = nil }
            return pending
        }
        guard let task else { return }
        _ = try await task.value.outcome()
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
