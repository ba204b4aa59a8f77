import Foundation

/// What one group's run of `backup`, `purge`, `export` or `audit` reports to monitoring.
public struct RunMetrics: Sendable {
    /// The kind of run: it prefixes the metric names (`brick_backup_…`, `brick_purge_…`,
    /// `brick_export_…`, `brick_audit_…`).
    public enum Kind: String, Sendable, CaseIterable {
        case backup, purge, export, audit

        /// The names of the items and bytes counts of this kind, after the prefix. An
        /// audit's "items" are the messages missing from the stores, its "bytes" the
        /// sampled messages whose stored bytes differ.
        var itemsName: String {
            switch self {
            case .backup: "last_run_items_added"
            case .purge: "last_run_items_purged"
            case .export: "last_run_bundles"
            case .audit: "missing_items"
            }
        }
        var bytesName: String {
            switch self {
            case .backup: "last_run_bytes_added"
            case .purge: "last_run_bytes_purged"
            case .export: "last_run_bytes"
            case .audit: "sample_mismatched_items"
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

    /// Backup, purge, export or audit.
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
    /// Items added (backup), items purged (purge), bundles written (export) or messages missing (audit).
    public var items: Int
    /// Raw bytes added (backup), purged (purge), bundle bytes written (export), or sampled messages that differ (audit).
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
