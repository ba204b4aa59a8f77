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

    /// Commits without writing the log to disk (`DB_TXN_NOSYNC`): the commit is durable
    /// only once a later commit or checkpoint writes the log, so a process killed before
    /// that loses it and recovery undoes the transaction. The store never commits this
    /// way; crash tests do, to leave what a kill during a commit leaves.
    public func commitWithoutLogWrite() throws(BerkeleyDBError) {
        precondition(!finished, "transaction already finished")
        finished = true
        try check("DB_TXN->commit") { handle.pointee.commit(handle, UInt32(DB_TXN_NOSYNC)) }
    }

    /// Aborts, undoing every change made in the transaction.
    public func abort() {
        guard !finished else { return }
        finished = true
        _ = handle.pointee.abort(handle)
    }

    deinit { abort() }
}
