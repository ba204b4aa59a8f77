import Foundation

/// Live counters of a backup, shared by all workers and read by whoever draws progress.
public final class BackupProgress: @unchecked Sendable {
    /// A consistent copy of the counters.
    public struct Snapshot: Sendable {
        /// Users finished / in total.
        public var usersDone = 0, usersTotal = 0
        /// Folders synchronized.
        public var folders = 0
        /// Items added.
        public var items = 0
        /// Calendar and contact items added, changed or deleted (apart from `items`,
        /// which counts items added of every kind).
        public var davItems = 0
        /// Raw bytes added.
        public var bytes: Int64 = 0
        /// Users in progress.
        public var active: [String] = []
    }

    private let lock = NSLock()
    private var state = Snapshot()

    /// Creates counters for `users` users.
    public init(users: Int) { state.usersTotal = users }

    /// The counters now.
    public var snapshot: Snapshot {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    func userStarted(_ user: String) { update { $0.active.append(user) } }

    func userFinished(_ user: String) {
        update {
            $0.usersDone += 1
            $0.active.removeAll { $0 == user }
        }
    }

    func folderDone() { update { $0.folders += 1 } }

    func added(items: Int, bytes: Int64, dav: Int = 0) {
        update {
            $0.items += items
            $0.davItems += dav
            $0.bytes += bytes
        }
    }

    private func update(_ body: (inout Snapshot) -> Void) {
        lock.lock()
        body(&state)
        lock.unlock()
    }
}
