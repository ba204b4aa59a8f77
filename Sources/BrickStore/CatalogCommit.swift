import BrickCore
import Foundation
import GRDB

/// The catalog work of one batch whose values are durable, handed to the store's
/// catalog pipeline (`UserStore.commitValues(_:to:run:after:)`): its rows, flag
/// changes, deletions and sync token, committed after every batch handed over before
/// it, in a transaction it may share with the batches next to it (`CatalogPipeline`).
/// It fails, writing nothing, when the batch it was told to follow failed.
public final class CatalogCommit: @unchecked Sendable {
    /// What the transaction writes that a later batch's body sharing must see first.
    let rows: InFlightRows
    /// The batch this one follows, until the transaction ran.
    private var after: CatalogCommit?
    /// The batch's statements, until they ran: whoever waits for it may then close the store.
    private var body: ((GRDB.Database) throws(StoreError) -> BatchOutcome)?
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var result: Result<BatchOutcome, StoreError>?
    /// Guarded by `condition`; called once, in order, when the transaction finished,
    /// before `result` is set, so whoever finds it set finds them called.
    private var observers: [@Sendable (Result<BatchOutcome, StoreError>) -> Void] = []

    /// Asks the pipeline to commit the transaction this batch is in without waiting for
    /// more batches; set by the pipeline when the batch is handed over.
    var commitSoon: (@Sendable () -> Void)?
    /// The transaction the pipeline opens for this batch, until it ran; set when the
    /// batch is handed over. Like `body`, it holds the store.
    var transaction: CatalogPipeline.Transaction?

    init(rows: InFlightRows, after: CatalogCommit?, body: @escaping (GRDB.Database) throws(StoreError) -> BatchOutcome) {
        self.rows = rows
        self.after = after
        self.body = body
    }

    /// Waits until the transaction finished; what it wrote, or why it failed.
    public func wait() throws(StoreError) -> BatchOutcome {
        commitSoon?()
        condition.lock()
        while result == nil { condition.wait() }
        let result = self.result!
        condition.unlock()
        return try result.get()
    }

    /// What the transaction wrote, once it finished.
    public func outcome() async throws(StoreError) -> BatchOutcome {
        commitSoon?()
        let result = await withCheckedContinuation { continuation in
            onFinish { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// The error the transaction failed with, nil while it runs or when it succeeded.
    public var failure: StoreError? {
        condition.withLock {
            guard case .failure(let error) = result else { return nil }
            return error
        }
    }

    /// Calls `observer` when the transaction finished (at once when it has), on the
    /// pipeline's thread, after the observers registered before it. An observer must
    /// not call into the store: a writer holding its `mutex` may be waiting for the
    /// pipeline.
    public func onFinish(_ observer: @escaping @Sendable (Result<BatchOutcome, StoreError>) -> Void) {
        let finished: Result<BatchOutcome, StoreError>? = condition.withLock {
            if result == nil { observers.append(observer) }
            return result
        }
        if let finished { observer(finished) }
    }

    /// Runs the batch's statements in `db`, inside the pipeline's open transaction, or
    /// fails with the failure of the batch it follows, whose result is `earlier`'s when
    /// that batch is in the same transaction and not yet finished. `ran` tells whether
    /// statements ran (a failure then leaves the transaction to be rolled back). What it
    /// wrote is kept, not finished, until the transaction commits (`finish`).
    func execute(
        in db: GRDB.Database, earlier: (CatalogCommit) -> Result<BatchOutcome, StoreError>?
    ) -> (result: Result<BatchOutcome, StoreError>, ran: Bool) {
        defer { dropWork() }
        if let previous = after, case .failure(let error) = earlier(previous) ?? previous.finishedResult {
            return (.failure(error), false)
        }
        return (Result { () throws(StoreError) in try body!(db) }, true)
    }

    /// Lets go of what the batch needed to run (the store among it), so that whoever
    /// waits for it may close the store once it finished.
    func dropWork() {
        after = nil
        body = nil
        transaction = nil
    }

    /// The result of a batch handed over earlier and not in the same transaction: it
    /// finished before this transaction began.
    private var finishedResult: Result<BatchOutcome, StoreError> {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }

    /// Ends the batch with `result` once its transaction committed (or failed): calls the
    /// observers, in order, then wakes whoever waits.
    func finish(_ result: Result<BatchOutcome, StoreError>) {
        while true {
            let waiting = condition.withLock {
                defer { observers = [] }
                if observers.isEmpty {
                    self.result = result
                    condition.broadcast()
                }
                return observers
            }
            guard !waiting.isEmpty else { return }
            for observer in waiting { observer(result) }
        }
    }
}

/// The rows a catalog transaction in flight will write, as a later batch's body
/// sharing needs them before they are committed: which keys of the folder will have a
/// row, and which item holds each body by its SHA-256.
struct InFlightRows {
    var folderID: FolderID
    var keys: Set<String>
    var holders: [Data: BodyReference]
    /// Whether the transaction only adds rows and marks rows deleted: it changes no
    /// existing row's bytes or holder, so what a later batch reads of committed rows
    /// stays true.
    var onlyAdds: Bool
}
