import ArgumentParser
import BrickCore
import BrickMaildir
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
            store, marked deleted, until `brick-backup purge` removes them.

            Examples:
              brick-backup backup --source 'maildir:/var/vmail/example.org/{user}/Maildir' --all-users --store /srv/brick
              brick-backup backup --source imaps://mail.example.org --admin-user backup --password-file /etc/brick/pw -u alice -u bob
              brick-backup backup --source imaps://cyrus.example.org --admin-user cyrus --password-file /etc/brick/pw --all-users

            \(BrickExit.helpText)
            """)

    @Option(name: .long, help: ArgumentHelp("maildir:PATH (PATH may contain {user}), imap://HOST[:PORT] or imaps://HOST[:PORT].", valueName: "SOURCE"))
    var source: String

    @OptionGroup var storeRoot: StoreRootOptions
    @OptionGroup var userSelection: UserSelectionOptions
    @OptionGroup var folders: FolderSelectionOptions
    @OptionGroup var imap: IMAPOptions
    @OptionGroup var output: OutputOptions

    @Option(name: [.short, .customShort("j"), .customLong("workers")], help: "Users backed up in parallel, largest first (-j or -w).")
    var workers = 2

    @Option(name: .customLong("max-message-size"), help: ArgumentHelp(
        "Maildir messages larger than this are skipped and reported (K, M, G, T: binary units).", valueName: "SIZE"))
    var maxMessageSize = ByteSize(bytes: 2 << 30)

    @Option(name: .customLong("user-timeout"), help: ArgumentHelp(
        "Seconds one user's backup may take before it is stopped and reported failed (what was stored stays; the next run resumes). 0: no limit.",
        valueName: "SECONDS"))
    var userTimeout: Double = 3600

    @Option(name: .customLong("sieve-dir"), help: ArgumentHelp(
        "Maildir sources: the users' Sieve script directory (may contain {user}; default: sieve/ beside the Maildir). The active-script link .dovecot.sieve is looked for in its parent.",
        valueName: "PATH"))
    var sieveDirectory: String?

    @Flag(name: .customLong("no-settings"), help: "Do not read Sieve scripts, ACLs, subscriptions and annotations.")
    var noSettings = false

    func validate() throws {
        guard workers >= 1 && workers <= 64 else { throw ValidationError("--workers must be between 1 and 64") }
        guard userTimeout >= 0, userTimeout.isFinite else { throw ValidationError("--user-timeout must be 0 or a number of seconds") }
    }

    func run() async throws {
        let spec = try SourceSpec(parsing: source)
        let sourceFactory = try SourceFactory(
            spec: spec, imap: imap, maximumMessageSize: maxMessageSize.bytes, sieveDirectory: sieveDirectory)
        var users = try userSelection.namedUsers()
        if userSelection.allUsers {
            let found = try await sourceFactory.discoverUsers(logger: CommandLogging.logger(level: output.logLevel, progress: nil))
            users += found.filter { !users.contains($0) }
        }
        guard !users.isEmpty else {
            throw UsageError("no users: give -u NAME, --users-file FILE or --all-users")
        }
        for user in users { try StoreLayout.validate(userName: user) }
        try sourceFactory.checkUsers(users)

        let progress = BackupProgress(users: users.count)
        let started = Date()
        let display = output.progress.isEnabled ? ProgressDisplay { BackupCommand.progressLine(progress.snapshot, started: started) } : nil
        let logger = CommandLogging.logger(level: output.logLevel, progress: display)
        let tasks = try users.map { user in
            UserBackupTask(
                user: user, layout: try StoreLayout(root: storeRoot.root, user: user),
                sourceDescription: spec.description(for: user),
                makeSource: { try await sourceFactory.makeSource(user: user, logger: logger) })
        }
        let job = BackupJob(
            tasks: tasks, selection: folders.selection, workers: workers, logger: logger, progress: progress,
            userTimeout: userTimeout > 0 ? userTimeout : nil, readsSettings: !noSettings)
        let reports = await job.run()
        display?.finish()
        BackupSummary.print(reports, seconds: Date().timeIntervalSince(started))
        if reports.contains(where: { !$0.succeeded }) {
            let lockedOnly = reports.allSatisfy { $0.succeeded || $0.failure?.isStoreLocked == true }
            throw CommandFailure(exit: lockedOnly ? .locked : .partialFailure)
        }
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
        if !state.active.isEmpty { parts.append(state.active.joined(separator: ",")) }
        return parts.joined(separator: " · ")
    }
}
