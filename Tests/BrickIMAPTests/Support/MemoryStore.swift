import BrickCore
import Foundation

/// An in-memory stand-in for one folder of the store, applying batches as the real one
/// must: retirement first, then new items (a copy takes the bytes of the item with its
/// EMAILID, when this folder has one), flag changes and vanished keys, then the token.
/// `otherEmailIDs` plays the EMAILIDs the store holds in other folders.
final class MemoryStore: ChangeSink, @unchecked Sendable {
    struct Item: Equatable {
        var flags: ItemFlags
        var raw: [UInt8]
        var internalDate: Date
        var deleted: Bool
        var emailID: String?
    }

    private let lock = NSLock()
    private var items: [ItemKey: Item] = [:]
    private var storedToken: String?
    private var storedBatches: [ChangeBatch] = []
    /// EMAILIDs of items in other folders, for `knownEmailIDs`.
    var otherEmailIDs: Set<String> = []
    /// Called before each commit with the number of batches committed so far; a
    /// throw simulates a crash before the batch is durable.
    var beforeCommit: (@Sendable (Int) async throws -> Void)?

    func commit(_ batch: ChangeBatch) async throws {
        let count = lock.withLock { storedBatches.count }
        try await beforeCommit?(count)
        lock.withLock {
            if batch.retirePresentItems {
                for key in items.keys { items[key]?.deleted = true }
            }
            for item in batch.added {
                items[item.key] = Item(flags: item.flags, raw: item.raw, internalDate: item.internalDate, deleted: false, emailID: item.emailID)
            }
            for copy in batch.copied {
                let raw = items.values.first { $0.emailID == copy.emailID }?.raw ?? []
                items[copy.key] = Item(flags: copy.flags, raw: raw, internalDate: copy.internalDate, deleted: false, emailID: copy.emailID)
            }
            for change in batch.flagChanges { items[change.key]?.flags = change.flags }
            for key in batch.vanished { items[key]?.deleted = true }
            if let token = batch.token { storedToken = token }
            storedBatches.append(batch)
        }
    }

    /// The state a sync starts from.
    var state: FolderSyncState {
        var state = FolderSyncState(token: token) { [self] in
            lock.withLock { items.filter { !$0.value.deleted }.mapValues(\.flags) }
        }
        state.knownEmailIDs = { [self] ids in
            lock.withLock { Set(ids).intersection(Set(items.values.compactMap(\.emailID)).union(otherEmailIDs)) }
        }
        return state
    }

    var token: String? { lock.withLock { storedToken } }
    var emailIDs: Set<String> { lock.withLock { Set(items.values.compactMap(\.emailID)) } }
    var batches: [ChangeBatch] { lock.withLock { storedBatches } }
    var present: [ItemKey: Item] { lock.withLock { items.filter { !$0.value.deleted } } }
    var deleted: [ItemKey: Item] { lock.withLock { items.filter { $0.value.deleted } } }

    func clearBatches() { lock.withLock { storedBatches.removeAll() } }
}
