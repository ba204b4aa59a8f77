import BrickSite
import Foundation

/// One group's share of a run over existing stores (`purge`, `export`): the users of
/// the group that have a store under the root and belong to this shard.
struct StoreGroupPlan {
    /// The group's name, `default` for users given by flags alone.
    var group: String
    /// Its users, in order.
    var users: [String]
    /// The group's configuration; nil for users given by flags.
    var configured: GroupConfig?

    /// The plans of a command line: one per `--group`, selected among the stores under
    /// `root` as `backup` selects among a source's users; else one from -u,
    /// --users-file or --all-users, every store when none is given. Every group is
    /// resolved before anything is done.
    static func resolve(
        groups: GroupSelectionOptions, users: UserSelectionOptions, config: SiteConfig, root: URL, shard: Shard?
    ) throws -> [StoreGroupPlan] {
        let existing = StoreRootOptions.existingUsers(under: root)
        let inShard = { (user: String) in shard?.contains(user) ?? true }
        guard groups.isGiven else {
            var named = try users.namedUsers()
            if named.isEmpty || users.allUsers { named = existing }
            guard !named.isEmpty else { throw UsageError("no user stores under \(root.path)") }
            return [StoreGroupPlan(group: "default", users: named.filter(inShard), configured: nil)]
        }
        if users.isGiven { throw UsageError("--group picks the users: leave out -u, --users-file and --all-users") }
        return try groups.selected(config).map { group in
            let selected: [String]
            do {
                selected = try group.users.select(discovered: existing)
            } catch {
                throw UsageError("group \(group.name): \(error)")
            }
            let stored = Set(existing)
            return StoreGroupPlan(group: group.name, users: selected.filter { stored.contains($0) && inShard($0) }, configured: group)
        }
    }
}
