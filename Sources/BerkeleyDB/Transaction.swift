import CBerkeleyDB

/// A Berkeley DB transaction. It aborts in `deinit` unless committed, so an error
/// thrown halfway leaves nothing behind.
public final class Transaction {
    let handle: UnsafeMutablePointer<DB_TXN>
    private var finished = false

    init(handle: UnsafeMutablePointer<DB_TXN>) {
        self.handle = handle
    }

    /// Commits, flushing the log to disk before returning.
    public func commit() throws(BerkeleyDBError) {
        precondition(!finished, "transaction already finished")
        finished = true
        try check("DB_TXN->commit") { handle.pointee.commit(handle, 0) }
    }

    /// Aborts, undoing every change made in the transaction.
    public func abort() {
        guard !finished else { return }
        finished = true
        _ = handle.pointee.abort(handle)
    }

    deinit { abort() }
}
