import ArgumentParser
import BrickSite
import BrickStore
import Foundation

/// `brick-backup purge`: removes for good what was deleted upstream long enough ago.
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove items and folders deleted upstream more than DAYS ago, and give the space back.",
        discussion: """
            Without -u/--users-file or --group, every user store under --store is purged. \
            The retention is --older-than, else the group's older-than, else older-than at \
            the top of the configuration file.

            \(BrickExit.helpText)
            """)

    @Option(name: .customLong("older-than"), parsing: .unconditional, help: ArgumentHelp("Remove what was marked deleted more than this many days ago (0: everything marked deleted).", valueName: "DAYS"))
    var olderThan: Int?

    @Flag(name: .customLong("dry-run"), help: "Only show what would be removed.")
    var dryRun = false

    @OptionGroup var config: ConfigOptions
    @OptionGroup var groupSelection: GroupSelectionOptions
    @OptionGroup var storeRoot: StoreRootOptions
    @OptionGroup var userSelection: UserSelectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var site: SiteRunOptions

    func validate() throws {
        if let olderThan, olderThan < 0 {
            throw ValidationError("--older-than \(olderThan) is negative: give 0 or more days")
        }
    }

    /// One group's share of the purge: its users and their retention.
    private struct Plan {
        var group: String
        var users: [String]
        var days: Int
    }

    func run() async throws {
        let siteConfig = try config.load()
        let root = storeRoot.root(siteConfig)
        try StoreRootOptions.requireKey(forSealed: root)
        let shard = try site.parsedShard()
        let existing = StoreRootOptions.existingUsers(under: root)
        var plans: [Plan] = []
        if groupSelection.isGiven {
            if userSelection.isGiven { throw UsageError("--group picks the users: leave out -u, --users-file and --all-users") }
            for group in try groupSelection.selected(siteConfig) {
                let named: [String]
                do {
                    named = try group.users.select(discovered: existing)
                } catch {
                    throw UsageError("group \(group.name): \(error)")
                }
                plans.append(Plan(group: group.name, users: named.filter(existing.contains), days: try days(group.olderThan, siteConfig)))
            }
        } else {
            var users = try userSelection.namedUsers()
            if users.isEmpty || userSelection.allUsers { users = existing }
            guard !users.isEmpty else { throw UsageError("no user stores under \(root.path)") }
            plans.append(Plan(group: "default", users: users, days: try days(nil, siteConfig)))
        }
        var failures = 0, lockedFailures = 0
        var metrics: [RunMetrics] = []
        Terminal.write(String(format: "%-20@ %9@ %10@ %8@ %12@ %12@\n", "USER" as NSString, "ITEMS" as NSString, "BYTES" as NSString,
                              "FOLDERS" as NSString, "SIZE BEFORE" as NSString, "SIZE AFTER" as NSString))
        for plan in plans {
            let started = Date()
            // 0 days means everything marked deleted, including by a run started this second.
            let cutoff = plan.days == 0 ? Date.distantFuture : Date().addingTimeInterval(-Double(plan.days) * 86_400)
            var results: [RunMetrics.UserResult] = []
            var items = 0, bytes: Int64 = 0
            for user in plan.users where shard?.contains(user) ?? true {
                do {
                    let report = try purge(user: user, root: root, cutoff: cutoff, verbose: output.logLevel(siteConfig) <= .info)
                    items += report.items
                    bytes += report.bytes
                    results.append(RunMetrics.UserResult(user: user, succeeded: true))
                } catch {
                    failures += 1
                    if case StoreError.locked = error { lockedFailures += 1 }
                    Terminal.printError("brick-backup purge: \(user): \(error)")
                    results.append(RunMetrics.UserResult(user: user, succeeded: false))
                }
            }
            metrics.append(RunMetrics(
                kind: .purge, group: plan.group, finished: Date(), duration: Date().timeIntervalSince(started),
                usersSucceeded: results.filter(\.succeeded).count, usersFailed: results.filter { !$0.succeeded }.count,
                items: items, bytes: bytes, users: results))
        }
        let metricsWritten = dryRun || site.write(metrics, config: siteConfig, toolName: "brick-backup")
        if failures > 0 { throw CommandFailure(exit: lockedFailures == failures && metricsWritten ? .locked : .partialFailure) }
        if !metricsWritten { throw CommandFailure(exit: .partialFailure) }
    }

    /// The retention: the flag, the group's, the file's; one of them must say it.
    private func days(_ groupDays: Int?, _ siteConfig: SiteConfig) throws -> Int {
        guard let days = olderThan ?? groupDays ?? siteConfig.olderThan else {
            throw UsageError("how long to keep deleted items: give --older-than DAYS (or older-than in the configuration file)")
        }
        return days
    }

    private func purge(user: String, root: URL, cutoff: Date, verbose: Bool) throws -> PurgeReport {
        let layout = try StoreLayout(root: root, user: user)
        guard FileManager.default.fileExists(atPath: layout.catalog.path) else {
            throw UsageError("no store for user \(user) under \(root.path)")
        }
        let store = try UserStore(layout: layout, user: user, mode: .readWrite)
        let run = dryRun ? nil : try store.beginRun(kind: "purge")
        let report = try store.purge(deletedBefore: cutoff, dryRun: dryRun, run: run)
        if let run {
            var totals = RunTotals()
            totals.itemsPurged = report.items
            try store.finishRun(run, totals: totals, status: "ok")
        }
        Terminal.write(String(format: "%-20@ %9@ %10@ %8d %12@ %12@\n", user as NSString, Formatting.count(report.items) as NSString,
                              Formatting.bytes(report.bytes) as NSString, report.folders.count,
                              Formatting.bytes(report.diskBytesBefore) as NSString,
                              (dryRun ? "(dry run)" : Formatting.bytes(report.diskBytesAfter)) as NSString))
        if verbose {
            for folder in report.folders { Terminal.printError("\(user): folder \(folder) \(dryRun ? "would be" : "was") removed") }
            if report.settings > 0 {
                Terminal.printError("\(user): \(report.settings) replaced setting versions \(dryRun ? "would be" : "were") removed")
            }
        }
        return report
    }
}
