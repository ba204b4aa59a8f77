import ArgumentParser
import BrickStore
import Foundation

/// `brick-backup purge`: removes for good what was deleted upstream long enough ago.
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove items and folders deleted upstream more than DAYS ago, and give the space back.",
        discussion: """
            Without -u/--users-file, every user store under --store is purged.

            \(BrickExit.helpText)
            """)

    @Option(name: .customLong("older-than"), parsing: .unconditional, help: ArgumentHelp("Remove what was marked deleted more than this many days ago (0: everything marked deleted).", valueName: "DAYS"))
    var olderThan: Int

    @Flag(name: .customLong("dry-run"), help: "Only show what would be removed.")
    var dryRun = false

    @OptionGroup var storeRoot: StoreRootOptions
    @OptionGroup var userSelection: UserSelectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard olderThan >= 0 else {
            throw ValidationError("--older-than \(olderThan) is negative: give 0 or more days")
        }
    }

    func run() async throws {
        var users = try userSelection.namedUsers()
        if users.isEmpty || userSelection.allUsers { users = storeRoot.existingUsers() }
        guard !users.isEmpty else { throw UsageError("no user stores under \(storeRoot.root.path)") }
        // 0 days means everything marked deleted, including by a run started this second.
        let cutoff = olderThan == 0 ? Date.distantFuture : Date().addingTimeInterval(-Double(olderThan) * 86_400)
        var failures = 0
        var lockedFailures = 0
        Terminal.write(String(format: "%-20@ %9@ %10@ %8@ %12@ %12@\n", "USER" as NSString, "ITEMS" as NSString, "BYTES" as NSString,
                              "FOLDERS" as NSString, "SIZE BEFORE" as NSString, "SIZE AFTER" as NSString))
        for user in users {
            do {
                let layout = try StoreLayout(root: storeRoot.root, user: user)
                guard FileManager.default.fileExists(atPath: layout.catalog.path) else {
                    throw UsageError("no store for user \(user) under \(storeRoot.root.path)")
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
                if output.logLevel <= .info {
                    for folder in report.folders { Terminal.printError("\(user): folder \(folder) \(dryRun ? "would be" : "was") removed") }
                    if report.settings > 0 {
                        Terminal.printError("\(user): \(report.settings) replaced setting versions \(dryRun ? "would be" : "were") removed")
                    }
                }
            } catch {
                failures += 1
                if case StoreError.locked = error { lockedFailures += 1 }
                Terminal.printError("brick-backup purge: \(user): \(error)")
            }
        }
        if failures > 0 { throw CommandFailure(exit: lockedFailures == failures ? .locked : .partialFailure) }
    }
}
