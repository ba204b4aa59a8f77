import BrickCore
import BrickSite
import BrickStore
import BrickSync
import Foundation
import Logging

/// One group's backup, resolved from the configuration and the flags before anything
/// is written: its source, its users (this shard's share of them), folders, workers.
struct BackupPlan {
    /// The group's name, `default` for a backup given by flags alone.
    var group: String
    /// The mail source; nil when only calendars and contacts are backed up (`--dav` alone).
    var spec: SourceSpec?
    var factory: SourceFactory?
    var users: [String]
    var selection: FolderSelection
    var workers: Int
    var userTimeout: Double
    /// The calendar and contact server, when `--dav` is given.
    var dav: DAVSourceFactory? = nil
}

extension BackupCommand {
    /// The plans of this command line: one per `--group`, or one from the flags.
    func plans(config: SiteConfig, shard: Shard?, logger: Logger) async throws -> [BackupPlan] {
        guard groupSelection.isGiven else { return [try await flagPlan(config: config, shard: shard, logger: logger)] }
        if source != nil || userSelection.isGiven {
            throw UsageError("--group picks the source and the users: leave out --source, -u, --users-file and --all-users")
        }
        var plans: [BackupPlan] = []
        for group in try groupSelection.selected(config) {
            let sourceConfig = config.source(named: group.source)!
            let spec = try SourceSpec(parsing: sourceConfig.url)
            let factory = try SourceFactory(
                spec: spec, imap: imap.filled(from: sourceConfig),
                maximumMessageSize: maxMessageSize?.bytes ?? sourceConfig.maxMessageSize ?? Self.defaultMaximumMessageSize,
                maildirSettings: maildirSettings)
            let discovered = group.users.needsDiscovery ? try await factory.discoverUsers(logger: logger) : []
            let users: [String]
            do {
                users = try group.users.select(discovered: discovered)
            } catch {
                throw UsageError("group \(group.name): \(error)")
            }
            var selection = folders.selection
            if folders.folder.isEmpty {
                selection.folders = group.folders.map(FolderPath.init(parsing:))
                selection.recursive = group.recursive ?? false
            }
            selection.excludes = group.exclude + folders.exclude
            selection.skipJunk = folders.skipJunk || (group.skipJunk ?? false)
            selection.skipTrash = folders.skipTrash || (group.skipTrash ?? false)
            plans.append(BackupPlan(
                group: group.name, spec: spec, factory: factory, users: users.filter { shard?.contains($0) ?? true },
                selection: selection, workers: workersFlag ?? group.workers ?? 2,
                userTimeout: userTimeoutFlag ?? group.userTimeout ?? 3600, dav: try dav.filled(from: sourceConfig).factory(imap: imap.filled(from: sourceConfig))))
        }
        return plans
    }

    /// The plan of a backup given by `--source` (a URL or a configured source's name)
    /// and the user flags.
    private func flagPlan(config: SiteConfig, shard: Shard?, logger: Logger) async throws -> BackupPlan {
        let configured = source.flatMap(config.source(named:))
        let davFactory = try (configured.map(dav.filled(from:)) ?? dav).factory(imap: configured.map(imap.filled(from:)) ?? imap)
        guard let source else {
            guard let davFactory else { throw UsageError("give --source SOURCE, or --group NAME / --all-groups with a configuration file") }
            let users = try userSelection.namedUsers()
            guard !users.isEmpty, !userSelection.allUsers else {
                throw UsageError("--dav without --source backs up the users named with -u NAME or --users-file FILE")
            }
            return BackupPlan(
                group: "default", spec: nil, factory: nil, users: users.filter { shard?.contains($0) ?? true },
                selection: folders.selection, workers: workers, userTimeout: userTimeout, dav: davFactory)
        }
        let spec = try SourceSpec(parsing: configured?.url ?? source)
        let factory = try SourceFactory(
            spec: spec, imap: configured.map(imap.filled(from:)) ?? imap,
            maximumMessageSize: maxMessageSize?.bytes ?? configured?.maxMessageSize ?? Self.defaultMaximumMessageSize,
            maildirSettings: maildirSettings)
        var users = try userSelection.namedUsers()
        if userSelection.allUsers {
            let found = try await factory.discoverUsers(logger: logger)
            users += found.filter { !users.contains($0) }
        }
        guard !users.isEmpty else {
            throw UsageError("no users: give -u NAME, --users-file FILE or --all-users")
        }
        return BackupPlan(
            group: "default", spec: spec, factory: factory, users: users.filter { shard?.contains($0) ?? true },
            selection: folders.selection, workers: workers, userTimeout: userTimeout, dav: davFactory)
    }
}
