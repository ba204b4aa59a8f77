import ArgumentParser
import BrickCore
import BrickSite
import BrickStore
import BrickSync
import Foundation
import Logging

/// `brick-backup audit`: proves a backup complete by comparing the mailboxes upstream,
/// as they are now, with the stores.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Compare users' mailboxes upstream with their stores: what is missing, not yet seen deleted, flagged differently.",
        discussion: """
            Reads the folder list and each folder's messages and flags (IMAP: UIDs, sizes, \
            flags, no bodies; Maildir: a listing) and compares them with the store. With \
            --sample PCT, that share of the stored messages is downloaded and its SHA-256 \
            compared with the bytes the store holds. Nothing is written to the stores.

            Exit codes: 0 nothing is missing; 1 messages or folders are missing, or a user \
            could not be audited; 4 a sampled message's stored bytes differ from upstream \
            or cannot be read; 2 usage error.

            Examples:
              brick-backup audit --source 'maildir:/var/vmail/example.org/{user}/Maildir' --all-users --store /srv/brick
              brick-backup audit --source imaps://mail.example.org --admin-user backup --password-file /etc/brick/pw -u alice --sample 5
              brick-backup audit --group staff -j 4 --sample 1 --metrics-file /var/lib/prometheus/node-exporter/brick.prom
            """)

    @Option(name: .long, help: ArgumentHelp(
        "maildir:PATH (with {user}), imap://HOST[:PORT], imaps://HOST[:PORT], or a [sources.NAME] of the configuration.", valueName: "SOURCE"))
    var source: String?

    @Option(name: .customLong("group"), help: ArgumentHelp("Audit this backup group of the configuration file (its source and users).", valueName: "NAME"))
    var group: String?

    @Option(name: .long, help: ArgumentHelp("Download this percentage of the stored messages and compare their bytes (0 to 100; default 0).", valueName: "PCT"))
    var sample: Double = 0

    @Option(name: .customLong("show"), help: "List at most this many messages of each kind per user (default 20).")
    var show = 20

    @Option(name: [.customShort("j"), .customLong("workers")], help: "Users audited in parallel (default 2); the reports come out in user order all the same.")
    var workers = 2

    @OptionGroup var config: ConfigOptions
    @OptionGroup var storeRoot: StoreRootOptions
    @OptionGroup var userSelection: UserSelectionOptions
    @OptionGroup var folders: FolderSelectionOptions
    @OptionGroup var imap: IMAPOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var site: SiteRunOptions

    func validate() throws {
        guard sample >= 0 && sample <= 100 else { throw ValidationError("--sample must be between 0 and 100") }
        guard workers >= 1 && workers <= 64 else { throw ValidationError("--workers must be between 1 and 64") }
        if group != nil && (source != nil || userSelection.isGiven) {
            throw ValidationError("--group picks the source and the users: leave out --source, -u, --users-file and --all-users")
        }
        if group == nil && !userSelection.isGiven { throw ValidationError("name the users: -u USER, --users-file FILE, --all-users or --group NAME") }
    }

    func run() async throws {
        let siteConfig = try config.load()
        let root = storeRoot.root(siteConfig)
        let logger = CommandLogging.logger(level: output.logLevel(siteConfig), format: output.logFormat(siteConfig))
        let (factory, users, selection) = try await plan(siteConfig, root: root, logger: logger)
        let started = Date()
        var reports: [AuditReport] = []
        var failedUsers: [String] = []
        let shard = try site.parsedShard()
        let runner = AuditUsers(root: root, factory: factory, selection: selection, samplePercent: sample, logger: logger, workers: workers)
        await runner.run(users.filter { shard?.contains($0) ?? true }) { outcome in
            switch outcome {
            case .report(let report):
                AuditSummary.print(report, show: show)
                reports.append(report)
            case .failed(let user, let message):
                failedUsers.append(user)
                Terminal.printError("brick-backup audit: \(user): \(message)")
            }
        }
        let missing = reports.reduce(0) { $0 + $1.missing.count }
        let mismatched = reports.reduce(0) { $0 + $1.sampleMismatches.count }
        AuditSummary.printTotals(reports, failedUsers: failedUsers, seconds: Date().timeIntervalSince(started))
        let metrics = RunMetrics(
            kind: .audit, group: group ?? "default", finished: Date(), duration: Date().timeIntervalSince(started),
            usersSucceeded: reports.filter(\.isComplete).count, usersFailed: failedUsers.count + reports.filter { !$0.isComplete }.count,
            items: missing, bytes: Int64(mismatched),
            users: reports.map { RunMetrics.UserResult(user: $0.user, succeeded: $0.isComplete) }
                + failedUsers.map { RunMetrics.UserResult(user: $0, succeeded: false) })
        let metricsWritten = site.write([metrics], config: siteConfig, toolName: "brick-backup")
        if mismatched > 0 { throw CommandFailure(exit: .integrity) }
        if !failedUsers.isEmpty || reports.contains(where: { !$0.isComplete }) || !metricsWritten { throw CommandFailure(exit: .partialFailure) }
    }

    /// The source, the users and the folders to audit.
    private func plan(_ siteConfig: SiteConfig, root: URL, logger: Logger) async throws -> (SourceFactory, [String], FolderSelection) {
        var selection = folders.selection
        if let group {
            guard let configured = siteConfig.group(named: group), let sourceConfig = siteConfig.source(named: configured.source) else {
                throw UsageError("--group \(group): no [groups.\(group)] in \(siteConfig.file ?? "the configuration (no file was read)")")
            }
            let factory = try SourceFactory(spec: try SourceSpec(parsing: sourceConfig.url), imap: imap.filled(from: sourceConfig))
            let discovered = configured.users.needsDiscovery ? try await factory.discoverUsers(logger: logger) : []
            let users: [String]
            do {
                users = try configured.users.select(discovered: discovered)
            } catch {
                throw UsageError("group \(group): \(error)")
            }
            selection.excludes += configured.exclude
            selection.skipJunk = selection.skipJunk || (configured.skipJunk ?? false)
            selection.skipTrash = selection.skipTrash || (configured.skipTrash ?? false)
            return (factory, users, selection)
        }
        guard let source else { throw UsageError("give --source SOURCE, or --group NAME with a configuration file") }
        let configured = siteConfig.source(named: source)
        let factory = try SourceFactory(spec: try SourceSpec(parsing: configured?.url ?? source), imap: configured.map(imap.filled(from:)) ?? imap)
        var users = try userSelection.namedUsers()
        if userSelection.allUsers {
            // Every user with a store, and every user the source can list (one without a
            // store is reported: nothing of it is backed up).
            var all = StoreRootOptions.existingUsers(under: root)
            if let found = try? await factory.discoverUsers(logger: logger) { all += found }
            users += all.filter { !users.contains($0) }
        }
        var seen = Set<String>()
        users = users.filter { seen.insert($0).inserted }.sorted()
        guard !users.isEmpty else { throw UsageError("no users to audit") }
        return (factory, users, selection)
    }
}
