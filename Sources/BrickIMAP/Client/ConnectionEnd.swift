import Foundation

/// Why a connection ended, as its channel handler saw it (the server's BYE text, a
/// timeout, a TLS failure), kept for the commands written after the end: such a
/// write never reaches the handler and fails with NIO's "I/O on closed channel",
/// which says nothing of why. Set once, by the event loop; read from any task.
final class ConnectionEnd: @unchecked Sendable {
    private let lock = NSLock()
    private var error: IMAPError?

    /// Records `error` unless an earlier end was recorded.
    func record(_ error: IMAPError) {
        lock.lock()
        defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }

    /// The recorded end, if the connection ended.
    var recorded: IMAPError? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }
}
