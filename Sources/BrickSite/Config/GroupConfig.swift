/// `[groups.NAME]`: a set of users backed up together from one source, with its own
/// folder selection, workers and retention (Oracle imsbackup's "backup groups").
public struct GroupConfig: Sendable, Hashable {
    /// The name `--group` takes.
    public var name: String
    /// `source`: the name of a `[sources.NAME]`.
    public var source: String
    /// Which users: `users`, `users-file`, `users-regex` or `all-users` (exactly one).
    public var users: UserSet
    /// `folders`: back up only these folders (with `recursive`, their subfolders).
    public var folders: [String] = []
    /// `recursive`: with `folders`, include subfolders.
    public var recursive: Bool?
    /// `exclude`: folder globs left out with their subfolders.
    public var exclude: [String] = []
    /// `skip-junk`.
    public var skipJunk: Bool?
    /// `skip-trash`.
    public var skipTrash: Bool?
    /// `workers`: users backed up in parallel.
    public var workers: Int?
    /// `user-timeout`: seconds one user may take (0: no limit).
    public var userTimeout: Double?
    /// `older-than`: this group's retention for `purge`, in days.
    public var olderThan: Int?

    /// Creates a group.
    public init(name: String, source: String, users: UserSet) {
        self.name = name
        self.source = source
        self.users = users
    }
}
