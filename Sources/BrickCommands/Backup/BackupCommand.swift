import ArgumentParser
import BrickCore
import BrickMaildir
import BrickSite
import BrickStore
import BrickSync
import Foundation
import Logging

/// `brick-backup backup`: incremental backup of one, many or all users.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up users' mail incrementally into their stores.",
        discussion: """
            Only what changed since the last run is read. Items deleted upstream stay in the \
            store, marked deleted, until `brick-backup purge` removes them. With a \
            configuration file, --group runs its backup groups; a flag wins over the file.

            Examples:
              brick-backup backup --source 'maildir:/var/vmail/example.org/{user}/Maildir' --all-users --store /srv/brick
              brick-backup backup --source imaps://mail.example.org --admin-user backup --password-file /etc/brick/pw -u alice -u bob
              brick-backup backup --source imaps://cyrus.example.org --admin-user cyrus --password-file /etc/brick/pw --all-users
              brick-backup backup --source imaps://mail.example.org --dav 'https://dav.example.org/{user}/' --password-env PW -u alice
              brick-backup backup --all-groups --shard env/4 --metrics-file /var/lib/prometheus/node-exporter/brick.prom

            \(BrickExit.helpText)
            """)

    static let defaultMaximumMessageSize: Int64 = 2 << 30

    @Option(name: .long, help: ArgumentHelp(
        "maildir:PATH (PATH may contain {user}), imap://HOST[:PORT], imaps://HOST[:PORT], or the name of a [sources.NAME] of the configuration.",
        valueName: "SOURCE"))
    var source: String?

    @OptionGroup var config: ConfigOptions
    @OptionGroup var groupSelection: GroupSelectionOptions
    @OptionGroup var storeRoot: StoreRootOptions
    @OptionGroup var userSelection: UserSelectionOptions
    @OptionGroup var folders: FolderSelectionOptions
    @OptionGroup var imap: IMAPOptions
    @OptionGroup(title: "Calendars and contacts") var dav: DAVOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var site: SiteRunOptions

    @Option(name: [.short, .customShort("j"), .customLong("workers")], help: "Users backed up in parallel, largest first (-j or -w; default 2).")
    var workersFlag: Int?

    @Option(name: .customLong("max-message-size"), help: ArgumentHelp(
        "Maildir messages larger than this are skipped and reported (K, M, G, T: binary units; default 2G).", valueName: "SIZE"))
    var maxMessageSize: ByteSize?

    @Option(name: .customLong("user-timeout"), help: ArgumentHelp(
        "Seconds one user's backup may take before it is stopped and reported failed (what was stored stays; the next run resumes). 0: no limit; default 3600.",
        valueName: "SECONDS"))
    var userTimeoutFlag: Double?

    /// Users in parallel without a group.
    var workers: Int { workersFlag ?? 2 }
    /// One user's time limit without a group.
    var userTimeout: Double { userTimeoutFlag ?? 3600 }

    @OptionGroup var maildirSettings: MaildirSettingsOptions

    @Flag(name: .customLong("no-settings"), help: "Do not read Sieve scripts, ACLs, subscriptions and annotations.")
    var noSettings = false

    @Flag(name: .customLong("index-text"), help: ArgumentHelp(
        "Index the text of each message added (decoded text parts, up to 64 KiB a message) for brick-restore --text; it stays on for the store.",
        discussion: "It costs space in the catalog. For messages stored before, run `brick-backup index USER_DIR --rebuild-text`."))
    var indexText = false

    func validate() throws {
        if let workersFlag { guard workersFlag >= 1 && workersFlag <= 64 else { throw ValidationError("--workers must be between 1 and 64") } }
        if let userTimeoutFlag {
            guard userTimeoutFlag >= 0, userTimeoutFlag.isFinite else { throw ValidationError("--user-timeout must be 0 or a number of seconds") }
        }
    }

    func run() async throws {
        let siteConfig = try config.load()
        let root = storeRoot.root(siteConfig)
        try StoreRootOptions.requireKey(forSealed: root)
        let level = output.logLevel(siteConfig), format = output.logFormat(siteConfig)
        let shard = try site.parsedShard()
        let plans = try await plans(config: siteConfig, shard: shard, logger: CommandLogging.logger(level: level, format: format))
        for plan in plans {
            for user in plan.users { try StoreLayout.validate(userName: user) }
            try plan.factory?.checkUsers(plan.users)
        }
        var metrics: [RunMetrics] = []
        var failed = false, lockedOnly = true
        for plan in plans {
            if groupSelection.isGiven { Terminal.write("group \(plan.group): \(plan.users.count) users\n") }
            let started = Date()
            let reports = try await run(plan, root: root, level: level, format: format)
            let seconds = Date().timeIntervalSince(started)
            BackupSummary.print(reports, seconds: seconds)
            metrics.append(RunMetrics(
                kind: .backup, group: plan.group, finished: Date(), duration: seconds,
                usersSucceeded: reports.filter(\.succeeded).count, usersFailed: reports.filter { !$0.succeeded }.count,
                items: reports.reduce(0) { $0 + $1.totals.itemsAdded }, bytes: reports.reduce(0) { $0 + $1.totals.bytesAdded },
                users: reports.map { RunMetrics.UserResult(user: $0.user, succeeded: $0.succeeded) }, shard: shard?.description))
            for report in reports where !report.succeeded {
                failed = true
                if report.failure?.isStoreLocked != true { lockedOnly = false }
            }
        }
        let metricsWritten = site.write(metrics, config: siteConfig, toolName: "brick-backup")
        if failed { throw CommandFailure(exit: lockedOnly && metricsWritten ? .locked : .partialFailure) }
        if !metricsWritten { throw CommandFailure(exit: .partialFailure) }
    }

    private func run(_ plan: BackupPlan, root: URL, level: Logger.Level, format: LogFormat) async throws -> [UserBackupReport] {
        let progress = BackupProgress(users: plan.users.count)
        let started = Date()
        let display = output.progress.isEnabled ? ProgressDisplay { BackupCommand.progressLine(progress.snapshot, started: started) } : nil
        var logger = CommandLogging.logger(level: level, format: format, progress: display)
        logger[metadataKey: "group"] = "\(plan.group)"
        let factory = plan.factory, davFactory = plan.dav, spec = plan.spec
        // Every name is checked before any user starts; each task is made when its user's turn comes.
        for user in plan.users { _ = try StoreLayout(root: root, user: user) }
        let job = BackupJob(
            users: plan.users, selection: plan.selection, workers: plan.workers, logger: logger, progress: progress,
            userTimeout: plan.userTimeout > 0 ? plan.userTimeout : nil, readsSettings: !noSettings, indexText: indexText
        ) { [logger] user in
            let descriptions = [spec?.description(for: user), davFactory?.endpoint(for: user).description].compactMap { $0 }
            return UserBackupTask(
                user: user, layout: try StoreLayout(root: root, user: user),
                sourceDescription: descriptions.joined(separator: " + "),
                makeSource: {
                    let mail = try await factory?.makeSource(user: user, logger: logger)
                    guard let davFactory else { return mail! }
                    return davFactory.combined(with: mail, user: user, logger: logger)
                })
        }
        let reports = await job.run()
        display?.finish()
        for report in reports {
            let totals = report.totals
            logger.info("user backed up", metadata: [
                "user": "\(report.user)", "status": "\(report.failure != nil ? "failed" : totals.errors.isEmpty ? "ok" : "partial")",
                "items_added": .stringConvertible(totals.itemsAdded), "items_updated": .stringConvertible(totals.itemsUpdated),
                "items_deleted": .stringConvertible(totals.itemsDeleted), "bytes_added": .stringConvertible(totals.bytesAdded),
                "errors": .stringConvertible(totals.errors.count + (report.failure == nil ? 0 : 1)),
                "seconds": .stringConvertible((report.seconds * 1000).rounded() / 1000),
            ])
        }
        return reports
    }

    /// `users 3/10 · folders 45 · items 12,345 · 345.2 MB · 45.1 MB/s · ETA 0:32 · alice`
    static func progressLine(_ state: BackupProgress.Snapshot, started: Date) -> String {
        let elapsed = max(0.001, Date().timeIntervalSince(started))
        var parts = [
            "users \(state.usersDone)/\(state.usersTotal)", "folders \(Formatting.count(state.folders))",
            "items \(Formatting.count(state.items))", Formatting.bytes(state.bytes),
            Formatting.bytes(Int64(Double(state.bytes) / elapsed)) + "/s",
        ]
        if state.usersDone > 0 && state.usersDone < state.usersTotal {
            let remaining = elapsed / Double(state.usersDone) * Double(state.usersTotal - state.usersDone)
            parts.append("ETA " + Formatting.duration(remaining))
        }
        if state.davItems > 0 { parts.insert("calendar/contact changes \(Formatting.count(state.davItems))", at: 3) }
        if !state.active.isEmpty { parts.append(state.active.joined(separator: ",")) }
        return parts.joined(separator: " · ")
    }
}
