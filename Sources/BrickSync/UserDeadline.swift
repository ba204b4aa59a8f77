import Dispatch

/// The deadline of one user's backup: calls `expire` once when the time has passed,
/// unless cancelled first.
///
/// A dispatch timer, released as soon as it is cancelled. A cancelled `Task.sleep`
/// leaves its timer (and the sleeping task's context) queued until the original
/// deadline, so with the default one-hour `--user-timeout` a night of many users kept
/// about half a kilobyte for every user already finished. Dispatch sources may be
/// used from any thread, hence `@unchecked Sendable`.
final class UserDeadline: @unchecked Sendable {
    private let timer: DispatchSourceTimer

    /// Starts a deadline `seconds` from now.
    init(seconds: Double, expire: @escaping @Sendable () -> Void) {
        timer = DispatchSource.makeTimerSource(queue: .global())
        timer.setEventHandler(handler: expire)
        timer.schedule(deadline: .now() + seconds)
        timer.activate()
    }

    deinit { timer.cancel() }

    /// Stops the deadline and frees its timer: `expire` is not called once this has
    /// returned (unless it had started already).
    func cancel() {
        timer.cancel()
    }

    /// True once the deadline was cancelled.
    var isCancelled: Bool { timer.isCancelled }
}
