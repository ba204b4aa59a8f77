import Foundation

/// What one group's run of `backup`, `purge` or `export` reports to monitoring.
public struct RunMetrics: Sendable {
    /// The kind of run: it prefixes the metric names (`brick_backup_…`, `brick_purge_…`,
    /// `brick_export_…`).
    public enum Kind: String, Sendable, CaseIterable {
        case backup, purge, export

        /// The names of the items and bytes counts of this kind.
        var itemsName: String {
            switch self {
            case .backup: "items_added"
            case .purge: "items_purged"
            case .export: "bundles"
            }
        }

        var bytesName: String {
            switch self {
            case .backup: "bytes_added"
            case .purge: "bytes_purged"
            case .export: "bytes"
            }
        }

        /// What the items count says, for the help text.
        var itemsHelp: String {
            switch self {
            case .backup: "Items added to the stores"
            case .purge: "Items purged from the stores"
            case .export: "Bundles written"
            }
        }

        /// What the bytes count says, for the help text.
        var bytesHelp: String {
            switch self {
            case .backup: "Raw bytes of the items added"
            case .purge: "Raw bytes of the items purged"
            case .export: "Bytes of the bundles written"
            }
        }
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

    /// Backup, purge or export.
    public var kind: Kind
    /// The group (`--group NAME`), or `default` for a run without one.
    public var group: String
    /// The shard (`I/N`) when the run was given `--shard`: a `shard` label.
    public var shard: String?
    /// When the run ended.
    public var finished: Date
    /// Its wall time in seconds.
    public var duration: Double
    /// Users without an error.
    public var usersSucceeded: Int
    /// Users with an error (partial or failed).
    public var usersFailed: Int
    /// Items added (backup), items purged (purge) or bundles written (export).
    public var items: Int
    /// Raw bytes added (backup), purged (purge), or bundle bytes written (export).
    public var bytes: Int64
    /// Per-user outcomes.
    public var users: [UserResult]

    /// Creates the metrics of a run.
    public init(
        kind: Kind, group: String, finished: Date, duration: Double, usersSucceeded: Int, usersFailed: Int,
        items: Int, bytes: Int64, users: [UserResult], shard: String? = nil
    ) {
        self.kind = kind
        self.group = group
        self.shard = shard
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
