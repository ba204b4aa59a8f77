import BrickCore
import BrickStore
import Foundation

/// Commits a source's batches for one folder into the store and keeps the counts.
final class StoreSink: ChangeSink, @unchecked Sendable {
    private let store: UserStore
    private let folder: StoredFolder
    private let run: RunHandle
    private let progress: BackupProgress?
    private let lock = NSLock()
    private var totals = BatchOutcome()

    init(store: UserStore, folder: StoredFolder, run: RunHandle, progress: BackupProgress?) {
        self.store = store
        self.folder = folder
        self.run = run
        self.progress = progress
    }

    func commit(_ batch: ChangeBatch) async throws {
        let outcome = try store.commit(batch, to: folder, run: run)
        progress?.added(items: outcome.added, bytes: outcome.bytes)
        lock.withLock {
            totals.added += outcome.added
            totals.updated += outcome.updated
            totals.deleted += outcome.deleted
            totals.bytes += outcome.bytes
        }
    }

    /// What the folder's sync changed.
    var outcome: BatchOutcome {
        lock.withLock { totals }
    }
}
