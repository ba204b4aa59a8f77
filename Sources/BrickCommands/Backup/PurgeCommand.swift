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

    func run() async throws {
        let siteConfig = try config.load()
        let root = storeRoot.root(siteConfig)
        try StoreRootOptions.requireKey(forSealed: root)
        let shard = try site.parsedShard()
        let plans = try StoreGroupPlan.resolve(groups: groupSelection, users: userSelection, config: siteConfig, root: root, shard: shard)
        let retention = try plans.map { try days($0.configured?.olderThan, siteConfig) }
        var failures = 0, lockedFailures = 0
        var metrics: [RunMetrics] = []
        Terminal.write(Self.row(["USER", "ITEMS", "BYTES", "FOLDERS", "SIZE BEFORE", "SIZE AFTER"]))
        for (plan, days) in zip(plans, retention) {
            let started = Date()
            // 0 days means everything marked deleted, including by a run started this second.
            let cutoff = days == 0 ? Date.distantFuture : Date().addingTimeInterval(-Double(days) * 86_400)
            var results: [RunMetrics.UserResult] = []
            var items = 0, bytes: Int64 = 0
            for user in plan.users {
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
                items: items, bytes: bytes, users: results, shard: shard?.description))
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

    /// One line of the table, with its line break.
    static func row(_ cells: [String]) -> String { TableRow.format(cells, widths: [20, 9, 10, 8, 12, 12]) + "\n" }

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
        Terminal.write(Self.row([
            user, Formatting.count(report.items), Formatting.bytes(report.bytes), String(report.folders.count),
            Formatting.bytes(report.diskBytesBefore), dryRun ? "(dry run)" : Formatting.bytes(report.diskBytesAfter),
        ]))
        if report.keptByHold > 0 {
            Terminal.write("\(user): \(Formatting.count(report.keptByHold)) items deleted upstream \(dryRun ? "would be" : "were") kept because of a legal hold\n")
        }
        if verbose {
            for folder in report.folders { Terminal.printError("\(user): folder \(folder) \(dryRun ? "would be" : "was") removed") }
            if report.settings > 0 {
                Terminal.printError("\(user): \(report.settings) replaced setting versions \(dryRun ? "would be" : "were") removed")
            }
        }
        return report
    }
}
