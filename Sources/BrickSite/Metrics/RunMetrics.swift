import Foundation

/// What one group's run of `backup` or `purge` reports to monitoring.
public struct RunMetrics: Sendable {
    /// The kind of run: it prefixes the metric names (`brick_backup_…`, `brick_purge_…`).
    public enum Kind: String, Sendable, CaseIterable {
        case backup, purge

        /// The names of the items and bytes counts of this kind.
        var itemsName: String { self == .backup ? "items_added" : "items_purged" }
        var bytesName: String { self == .backup ? "bytes_added" : "bytes_purged" }
    }

    /// One user's outcome (written only with per-user metrics on).
    public struct UserResult: Sendable {
        /// The user.
        public var user: String
        /// True when the user's run had no error.
        public var succeeded: Bool

        /// Creates a result.
        public init(user: String, succeeded: Bool) {
            self.user = user
            self.succeeded = succeeded
        }
    }

    /// Backup or purge.
    public var kind: Kind
    /// The group (`--group NAME`), or `default` for a run without one.
    public var group: String
    /// When the run ended.
    public var finished: Date
    /// Its wall time in seconds.
    public var duration: Double
    /// Users without an error.
    public var usersSucceeded: Int
    /// Users with an error (partial or failed).
    public var usersFailed: Int
    /// Items added (backup) or purged (purge).
    public var items: Int
    /// Raw bytes added (backup) or purged (purge).
    public var bytes: Int64
    /// Per-user outcomes.
    public var users: [UserResult]

    /// Creates the metrics of a run.
    public init(
        kind: Kind, group: String, finished: Date, duration: Double, usersSucceeded: Int, usersFailed: Int,
        items: Int, bytes: Int64, users: [UserResult]
    ) {
        self.kind = kind
        self.group = group
        self.finished = finished
        self.duration = duration
        self.usersSucceeded = usersSucceeded
        self.usersFailed = usersFailed
        self.items = items
        self.bytes = bytes
        self.users = users
    }

    /// True when every user succeeded.
    public var succeeded: Bool { usersFailed == 0 }
}
