import BrickStore

/// Why a user's backup failed as a whole, by kind: the command chooses the exit code
/// from the kind, never from the text.
public enum UserFailure: Sendable, CustomStringConvertible {
    /// Another backup or purge holds the user's store.
    case storeLocked(String)
    /// A user-level deadline (`--user-timeout`) passed.
    case timedOut(String)
    /// Anything else (source unreachable, store unreadable).
    case failed(String)

    /// Classifies an error thrown while backing up one user.
    public init(_ error: any Error) {
        if let error = error as? StoreError, case .locked = error {
            self = .storeLocked("\(error)")
        } else if let error = error as? UserDeadlineExceeded {
            self = .timedOut("\(error)")
        } else {
            self = .failed("\(error)")
        }
    }

    /// True when another writer holds the store.
    public var isStoreLocked: Bool {
        if case .storeLocked = self { return true }
        return false
    }

    /// The failure in one line.
    public var description: String {
        switch self {
        case .storeLocked(let text), .timedOut(let text), .failed(let text): return text
        }
    }
}

/// The per-user deadline passed before the user's backup finished.
public struct UserDeadlineExceeded: Error, Sendable, CustomStringConvertible {
    /// The user.
    public var user: String
    /// The deadline in seconds.
    public var seconds: Double

    /// The failure in one line.
    public var description: String {
        "backup of \(user) did not finish within --user-timeout \(Int(seconds)) s; stopped (the next run resumes)"
    }
}
