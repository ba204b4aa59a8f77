import Foundation

/// Live counters of a restore, for a progress bar.
public final class RestoreProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = (done: 0, total: 0, bytes: Int64(0))

    /// Creates counters.
    public init() {}

    /// Items handled, items selected, bytes restored.
    public var snapshot: (done: Int, total: Int, bytes: Int64) { lock.withLock { counts } }

    func setTotal(_ total: Int) { lock.withLock { counts.total = total } }
    func advance(items: Int, bytes: Int64) {
        lock.withLock {
            counts.done += items
            counts.bytes += bytes
        }
    }
}
