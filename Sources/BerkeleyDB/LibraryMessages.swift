import CBerkeleyDB
import Foundation

/// Berkeley DB's error messages, captured instead of printed.
///
/// The library reports detail (a checksum error, "unable to allocate memory for
/// mutex") through an error callback that by default writes to standard error, once
/// per failing page. Every handle here routes it to `callback`, which keeps the last
/// few messages of the calling thread; the failing call's error then carries them
/// (`BerkeleyDBError.message`) and nothing reaches the terminal.
enum LibraryMessages {
    private nonisolated(unsafe) static var byThread: [pthread_t: [String]] = [:]
    private static let lock = NSLock()
    private static let kept = 3

    /// The C callback given to `DB_ENV->set_errcall` and `DB->set_errcall`.
    static let callback: @convention(c) (UnsafePointer<DB_ENV>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = { _, _, message in
        guard let message else { return }
        LibraryMessages.record(String(cString: message))
    }

    /// Keeps `message` as the latest of this thread, dropping repeats and old ones.
    static func record(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        var messages = byThread[pthread_self()] ?? []
        if messages.last == message { return }
        messages.append(message)
        if messages.count > kept { messages.removeFirst(messages.count - kept) }
        byThread[pthread_self()] = messages
    }

    /// Forgets this thread's messages (before a call whose failure they should explain).
    static func clear() {
        lock.lock()
        defer { lock.unlock() }
        byThread[pthread_self()] = nil
    }

    /// This thread's messages since the last `clear`, joined, or nil; forgets them.
    static func take() -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard let messages = byThread.removeValue(forKey: pthread_self()), !messages.isEmpty else { return nil }
        return messages.joined(separator: "; ")
    }
}
