import Foundation

/// The value reads under way outside the store's `mutex` (`UserStore.storedValue`):
/// export's value threads read item files in parallel, on handles found under the
/// mutex. Whatever closes handles (recovery of the environment, closing item files)
/// holds the mutex, so no read starts, and first waits here for those under way.
final class ValueReads: @unchecked Sendable {
    private let condition = NSCondition()
    private var active = 0

    /// Counts a read as begun; call with the store's `mutex` held.
    func begin() {
        condition.lock()
        active += 1
        condition.unlock()
    }

    /// Counts a read as ended (it no longer uses its handle).
    func end() {
        condition.lock()
        active -= 1
        if active == 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Waits until no read is under way; call with the store's `mutex` held, and
    /// never from a thread in a read.
    func drain() {
        condition.lock()
        while active > 0 { condition.wait() }
        condition.unlock()
    }
}
