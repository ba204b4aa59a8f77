import Foundation
import GRDB

/// The catalog work of committed batches, run in the order it was handed over, on a
/// thread of its own, while the writer goes on with the next batch's values
/// (docs/DESIGN.md, "The commit pipeline"). One transaction takes the batches waiting
/// and those that come while it is open, up to `batchesPerTransaction`; it commits when
/// it has them all, when no batch came for `waitForNextBatch`, or at once when someone
/// waits for the pipeline (`drain`, or a batch's `wait`). A batch whose statements fail
/// fails the transaction, and with it the batches before it in the transaction (their
/// values are left without rows, as after a crash, and their folders' tokens where
/// they were). The index pages a batch's rows touch are thus written to the WAL
/// once for several batches (docs/BENCHMARKS.md, "Catalog transactions of several
/// batches"). The thread runs while batches wait and ends when none is left; it never
/// takes the store's `mutex`, so a holder of it may wait for the pipeline.
final class CatalogPipeline: @unchecked Sendable {
    /// The most batches one catalog transaction takes.
    static let batchesPerTransaction = 4
    /// How long an open transaction waits for the next batch before it commits.
    static let waitForNextBatch: TimeInterval = 0.5

    /// How the pipeline writes to the store's catalog: one write transaction around
    /// `work` (the store's `withCatalog`).
    typealias Transaction = (_ work: (GRDB.Database) throws -> Void) throws(StoreError) -> Void

    private let condition = NSCondition()
    /// Batches handed over and not yet finished, oldest first (guarded by `condition`).
    private var queue: [CatalogCommit] = []
    private var threadRunning = false
    /// Someone waits for the batches handed over: the open transaction commits now, and
    /// so do the next ones until the queue is empty (guarded by `condition`).
    private var commitRequested = false

    /// Batches handed over and not yet finished, oldest first.
    var inFlight: [CatalogCommit] {
        condition.withLock { queue }
    }

    /// Runs `commit` in a `transaction` after every batch handed over before it.
    func submit(_ commit: CatalogCommit, transaction: @escaping Transaction) {
        commit.commitSoon = { [weak self] in self?.requestCommit() }
        commit.transaction = transaction
        let start = condition.withLock {
            queue.append(commit)
            condition.broadcast()
            defer { threadRunning = true }
            return !threadRunning
        }
        guard start else { return }
        let thread = Thread { [self] in runQueued() }
        thread.name = "catalog commits"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Waits until every batch handed over so far has finished. Returns at once inside
    /// a catalog access (the pipeline's own thread, a read nested in a write), where
    /// waiting could wait for itself.
    func drain() {
        guard !CatalogAccess.isInside else { return }
        condition.lock()
        if !queue.isEmpty {
            commitRequested = true
            condition.broadcast()
        }
        while !queue.isEmpty { condition.wait() }
        condition.unlock()
    }

    /// Makes the open transaction commit without waiting for more batches.
    private func requestCommit() {
        condition.withLock {
            guard !queue.isEmpty else { return }
            commitRequested = true
            condition.broadcast()
        }
    }

    private func runQueued() {
        CatalogAccess.enter()
        defer { CatalogAccess.leave() }
        while true {
            condition.lock()
            guard !queue.isEmpty else {
                threadRunning = false
                commitRequested = false
                condition.unlock()
                return
            }
            condition.unlock()
            let (members, results) = runTransaction()
            for (member, result) in zip(members, results) { member.finish(result) }
            condition.withLock {
                queue.removeFirst(members.count)
                if queue.isEmpty { commitRequested = false }
                condition.broadcast()
            }
        }
    }

    /// One transaction: the batches at the head of the queue and those that come while
    /// it is open, in the first one's transaction. Returns them with their results, each
    /// having let go of its work; when the transaction fails, every one of them fails
    /// with its error (at least the first batch).
    private func runTransaction() -> ([CatalogCommit], [Result<BatchOutcome, StoreError>]) {
        let first = condition.withLock { queue[0] }
        guard let transaction = first.transaction else { preconditionFailure("a catalog batch queued without its transaction") }
        var members: [CatalogCommit] = []
        var results: [Result<BatchOutcome, StoreError>] = []
        do {
            try transaction { db in
                while members.count < Self.batchesPerTransaction, let next = nextBatch(after: members.count) {
                    let (result, ran) = next.execute(in: db, earlier: { batch in members.firstIndex { $0 === batch }.map { results[$0] } })
                    members.append(next)
                    results.append(result)
                    // Statements that failed undo the whole transaction, the batches before too.
                    if case .failure(let error) = result, ran { throw error }
                }
            }
        } catch {
            if members.isEmpty {
                first.dropWork()
                members = [first]
            }
            results = members.map { _ in .failure(error) }
        }
        return (members, results)
    }

    /// The batch after the first `count` of the queue, waiting up to `waitForNextBatch`
    /// for it to be handed over (not at all when someone waits for the pipeline); nil
    /// when none came.
    private func nextBatch(after count: Int) -> CatalogCommit? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: Self.waitForNextBatch)
        while queue.count <= count && !commitRequested && condition.wait(until: deadline) {}
        return queue.count > count ? queue[count] : nil
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
