import Foundation

/// The catalog transactions of committed batches, run one at a time in the order they
/// were handed over, on a thread of their own, while the writer goes on with the next
/// batch's values (docs/DESIGN.md, "The commit pipeline"). The thread runs while
/// transactions wait and ends when none is left; a transaction never takes the store's
/// `mutex`, so a holder of it may wait for the pipeline.
final class CatalogPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    /// Transactions handed over and not yet finished, oldest first (guarded by `condition`).
    private var queue: [CatalogCommit] = []
    private var threadRunning = false

    /// Transactions handed over and not yet finished, oldest first.
    var inFlight: [CatalogCommit] {
        condition.withLock { queue }
    }

    /// Runs `commit` after every transaction handed over before it.
    func submit(_ commit: CatalogCommit) {
        let start = condition.withLock {
            queue.append(commit)
            defer { threadRunning = true }
            return !threadRunning
        }
        guard start else { return }
        let thread = Thread { [self] in runQueued() }
        thread.name = "catalog commits"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Waits until every transaction handed over so far has finished. Returns at once
    /// inside a catalog access (the pipeline's own thread, a read nested in a write),
    /// where waiting could wait for itself.
    func drain() {
        guard !CatalogAccess.isInside else { return }
        condition.lock()
        while !queue.isEmpty { condition.wait() }
        condition.unlock()
    }

    private func runQueued() {
        CatalogAccess.enter()
        defer { CatalogAccess.leave() }
        while true {
            condition.lock()
            guard let next = queue.first else {
                threadRunning = false
                condition.unlock()
                return
            }
            condition.unlock()
            next.run()
            condition.withLock {
                queue.removeFirst()
                condition.broadcast()
            }
        }
    }
}

/// Whether the current thread is inside a catalog access: a read or write of the
/// catalog connection, or the catalog pipeline's thread.
enum CatalogAccess {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static var isInside: Bool { depth > 0 }

    private static var depth: Int { Int(bitPattern: pthread_getspecific(key)) }

    static func enter() { pthread_setspecific(key, UnsafeRawPointer(bitPattern: depth + 1)) }

    static func leave() { pthread_setspecific(key, UnsafeRawPointer(bitPattern: depth - 1)) }
}
