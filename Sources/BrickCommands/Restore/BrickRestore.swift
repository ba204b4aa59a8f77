import ArgumentParser
import BrickCore
import BrickRestore
import BrickStore
import Foundation

/// The `brick-restore` tool: replays selected items from a user's store.
public struct BrickRestoreCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "brick-restore",
        abstract: "Restore items from a Brick backup by folder, sender, period, key, deleted state or date.",
        discussion: """
            Filters combine (AND). Items already at the target are skipped, so running the \
            same restore twice does not duplicate mail; with --overwrite they replace the \
            copies there instead. Flags, keywords and internal dates come back as they were \
            backed up.

            Examples:
              brick-restore backups/alice --sender @example.com --period-begin 2025-03-01 --period-end 2025-03-31 --dry-run
              brick-restore backups/alice --folder Projects --recursive --deleted only --to imaps://mail.example.org --admin-user backup --password-file /etc/brick/pw
              brick-restore backups/alice --as-of 2025-06-30 --folder INBOX --to mbox:/tmp/alice-inbox.mbox

            Across users: give the store root instead of a user's directory, and --all-users, \
            -u USER (repeatable), --users-file or --group; --dry-run lists the hits with a user \
            column; a restore writes each user's hits into a place of its own.
              brick-restore backups --all-users --sender carol@example.com --text '"contract 2025" signed' --dry-run --format csv
              brick-restore backups --group staff --subject 'Q3 report' --to eml:/srv/discovery/case-17
              brick-restore backups -u alice -u bob --text merger --to imaps://mail.example.org --user legal --restore-root Discovery/CASE-17 --password-file /etc/brick/pw

            \(BrickExit.helpText)
            """,
        version: BrickVersion.current)

    @OptionGroup var userDirectory: UserDirectoryArgument
    @OptionGroup var filters: ItemFilterOptions

    @Option(name: .long, help: ArgumentHelp(
        "Where to restore: imap://HOST[:PORT], imaps://HOST[:PORT], maildir:PATH, mbox:PATH or eml:DIR; calendars and contacts also ics:DIR or vcf:DIR, or a CalDAV/CardDAV home: caldav:URL, carddav:URL or dav:URL ({user} is --user).",
        valueName: "TARGET"))
    var to: String?

    @Flag(name: .long, help: ArgumentHelp(
        "With --to ics:DIR or vcf:DIR: one file per item, its bytes as backed up, instead of one file per folder."))
    var split = false

    @Option(name: .customLong("user"), help: ArgumentHelp("The IMAP account to restore into (default: the backed-up user).", valueName: "NAME"))
    var targetUser: String?

    @Option(name: .customLong("restore-root"), help: ArgumentHelp("Put everything under this folder, e.g. Restored/2026-11-22.", valueName: "PATH"))
    var restoreRoot: String?

    @Flag(name: .long, help: ArgumentHelp(
        "Replace items the target already holds: the backed-up copy is written, then the existing one removed.",
        discussion: "A message is the same when its Message-ID (or its bytes) and its internal date to the second match. An interrupted run can leave both copies; running it again removes the extra one. IMAP targets must offer UIDPLUS."))
    var overwrite = false

    @Flag(name: .customLong("dav-authorize-as"), help: ArgumentHelp(
        "With caldav:, carddav: or dav: and --admin-user: act for --user with Cyrus's Authorize-As header (a Cyrus Murder backend)."))
    var davAuthorizeAs = false

    @Flag(name: [.customLong("dry-run"), .customLong("list")], help: "Only list what would be restored.")
    var dryRun = false

    @Option(name: .long, help: "Listing format for --dry-run: table, csv or json.")
    var format: ListingFormat?

    @Flag(name: .long, help: ArgumentHelp(
        "Restore the user's settings: Sieve scripts, ACLs, subscriptions, annotations (all, or the kinds named).",
        discussion: "Without --messages, only the settings are restored. --folder, --recursive and --as-of select them too."))
    var settings = false

    @Flag(name: .long, help: "With --settings or a kind: restore the selected messages as well.")
    var messages = false

    @OptionGroup var settingKinds: SettingKindOptions
    @OptionGroup var maildirSettings: MaildirSettingsOptions

    @OptionGroup(title: "Search across users") var search: SearchOptions

    @Flag(name: .customLong("into-own-mailboxes"), help: "Across users, into IMAP or a DAV server: put each user's hits back into that user's own account.")
    var intoOwnMailboxes = false

    @OptionGroup var imap: IMAPOptions
    @OptionGroup var output: OutputOptions

    public init() {}

    public func validate() throws {
        if to == nil && !dryRun { throw ValidationError("give --to TARGET, or --dry-run to only list what would be restored") }
        if split && !(to.map { $0.hasPrefix("ics:") || $0.hasPrefix("vcf:") } ?? false) {
            throw ValidationError("--split goes with --to ics:DIR or vcf:DIR")
        }
        if !search.isGiven && (search.limit != nil || search.jobs != nil || intoOwnMailboxes) {
            throw ValidationError("--limit, --jobs and --into-own-mailboxes belong to a search across users (--all-users, -u, --users-file, --group)")
        }
        if search.isGiven && (settings || settingKinds.namesAny) {
            throw ValidationError("settings are restored one user at a time: give that user's store directory without --all-users, -u, --users-file or --group")
        }
    }

    public func run() async throws {
        if search.isGiven {
            let step = SearchRestoreStep(
                root: URL(fileURLWithPath: userDirectory.userDirectory), search: search, query: try filters.query(), to: to,
                targetUser: targetUser, restoreRoot: restoreRoot, intoOwnMailboxes: intoOwnMailboxes, overwrite: overwrite,
                format: format, imap: imap, output: output, davAuthorizeAs: davAuthorizeAs)
            if try await step.run(dryRun: dryRun) { throw CommandFailure(exit: .partialFailure) }
            return
        }
        let store = try dryRun ? userDirectory.openReadOnly() : userDirectory.openForValues()
        let withSettings = settings || settingKinds.namesAny
        var failed = false
        if !withSettings || messages { failed = try await restoreMessages(store) }
        if withSettings {
            let step = SettingsRestoreStep(
                store: store, filters: filters, kinds: try settingKinds.kinds(), targetUser: targetUser ?? store.user,
                restoreRoot: restoreRoot, overwrite: overwrite, maildirSettings: maildirSettings)
            failed = try await step.run(to: to.map { try TargetSpec(parsing: $0) }, imap: imap, dryRun: dryRun, format: format,
                                        logLevel: output.logLevel) || failed
        }
        if failed { throw CommandFailure(exit: .partialFailure) }
    }

    /// Restores the selected messages; returns whether some failed.
    private func restoreMessages(_ store: UserStore) async throws -> Bool {
        let query = try filters.query()
        try SelectionCheck.check(query, in: store)
        if dryRun {
            let listing = ItemListing(format: format ?? .automatic)
            listing.begin()
            var kinds: [String: Int] = [:]
            try store.forEachItem(matching: query) {
                listing.write($0)
                kinds[$0.kind ?? "message", default: 0] += 1
            }
            listing.end(summary: false)
            let totals = listing.totals
            let perKind = kinds.count > 1 || (!kinds.isEmpty && kinds["message"] == nil)
                ? " (" + kinds.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")" : ""
            Terminal.printError("would restore \(Formatting.count(totals.items)) items\(perKind), \(Formatting.bytes(totals.bytes))")
            return false
        }
        let spec = try TargetSpec(parsing: to!, split: split)
        if case .dav(let url, let kinds) = spec {
            let step = DAVRestoreStep(
                url: url, kinds: kinds, targetUser: targetUser ?? store.user, restoreRoot: restoreRoot, overwrite: overwrite,
                authorizeAs: davAuthorizeAs, imap: imap, output: output)
            return try await step.run(store: store, query: query)
        }
        if davAuthorizeAs { throw UsageError("--dav-authorize-as is for caldav:, carddav: and dav: targets") }
        let progress = RestoreProgress()
        let started = Date()
        let display = ProgressDisplay.restore(progress, output: output, showingBytes: true)
        let logger = CommandLogging.logger(level: output.logLevel, progress: display)
        let target = try await spec.open(user: targetUser ?? store.user, imap: imap, logger: logger)
        let job = RestoreJob(
            store: store, query: query, target: target, restoreRoot: restoreRoot.map(FolderPath.init(parsing:)),
            overwrite: overwrite, logger: logger, progress: progress)
        if let mbox = target as? MboxTarget {
            var folders: Set<FolderPath> = []
            try store.forEachItem(matching: query) { folders.insert(job.targetPath(for: $0.folderPath)) }
            do {
                try mbox.checkBeforeWriting(folders: Array(folders))
            } catch {
                throw UsageError("\(error)")
            }
        }
        let report = try await job.run()
        display?.finish()
        for failure in report.failures { Terminal.printError("failed: \(failure)") }
        let replaced = overwrite ? "replaced \(Formatting.count(report.replaced)), " : ""
        Terminal.write("restored \(Formatting.count(report.restored)), \(replaced)skipped as duplicate \(Formatting.count(report.skippedDuplicates)), "
            + "failed \(Formatting.count(report.failures.count - report.foldersFailed))"
            + (report.foldersFailed > 0
                ? ", folders refused \(report.foldersFailed) (\(Formatting.count(report.itemsNotTried)) items not tried)" : "")
            + "; \(Formatting.bytes(report.bytes)) into \(report.folders) folders "
            + "in \(Formatting.duration(Date().timeIntervalSince(started)))\n")
        return !report.failures.isEmpty
    }

    /// Runs the tool with the process's arguments and exits.
    public static func runMain() async -> Never {
        await CommandMain.run(BrickRestoreCommand.self, toolName: "brick-restore")
    }
}
