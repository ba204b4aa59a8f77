import BrickCore
import Foundation

/// The catalog transaction of one batch whose values are durable, handed to the
/// store's catalog pipeline (`UserStore.commitValues(_:to:run:after:)`): its rows,
/// flag changes, deletions and sync token, committed after every batch handed over
/// before it. It fails, writing nothing, when the batch it was told to follow failed.
public final class CatalogCommit: @unchecked Sendable {
    /// What the transaction writes that a later batch's body sharing must see first.
    let rows: InFlightRows
    /// The batch this one follows, until the transaction ran.
    private var after: CatalogCommit?
    /// The transaction, until it ran: whoever waits for it may then close the store.
    private var body: (() throws(StoreError) -> BatchOutcome)?
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var result: Result<BatchOutcome, StoreError>?
    /// Guarded by `condition`; called once, in order, when the transaction finished,
    /// before `result` is set, so whoever finds it set finds them called.
    private var observers: [@Sendable (Result<BatchOutcome, StoreError>) -> Void] = []

    init(rows: InFlightRows, after: CatalogCommit?, body: @escaping () throws(StoreError) -> BatchOutcome) {
        self.rows = rows
        self.after = after
        self.body = body
    }

    /// Waits until the transaction finished; what it wrote, or why it failed.
    public func wait() throws(StoreError) -> BatchOutcome {
        condition.lock()
        while result == nil { condition.wait() }
        let result = self.result!
        condition.unlock()
        return try result.get()
    }

    /// What the transaction wrote, once it finished.
    public func outcome() async throws(StoreError) -> BatchOutcome {
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

    /// Runs the transaction, or fails with the failure of the batch it follows.
    func run() {
        let result: Result<BatchOutcome, StoreError>
        if let error = after.flatMap({ previous in Result { () throws(StoreError) in try previous.wait() }.failure }) {
            result = .failure(error)
        } else {
            result = Result { () throws(StoreError) in try body!() }
        }
        after = nil
        body = nil
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

private extension Result {
    var failure: Failure? {
        guard case .failure(let error) = self else { return nil }
        return error
    }
}
