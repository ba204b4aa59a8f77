import ArgumentParser
import BrickStore
import Foundation

/// `brick-backup status`: for monitoring, the users whose last successful backup is too old.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each user's last successful backup; exit 1 when one is older than --max-age (or missing).",
        discussion: """
            A successful backup is a run with status ok; a partial run (some items or folders \
            failed) is not. Users whose store cannot be read count as stale.

            Example:
              brick-backup status --max-age 26h --store /srv/brick
            """)

    @Option(name: .customLong("max-age"), help: ArgumentHelp("How old the last successful backup may be (26h, 2d, 90m, seconds; default 26h).", valueName: "DURATION"))
    var maxAge = "26h"

    @Option(name: .long, help: ArgumentHelp("Only the stores of this configured group.", valueName: "NAME"))
    var group: String?

    @Flag(name: .customLong("stale-only"), help: "List only the users that are too old.")
    var staleOnly = false

    @OptionGroup var config: ConfigOptions
    @OptionGroup var storeRoot: StoreRootOptions

    func validate() throws {
        do { _ = try DurationArgument.seconds(maxAge, option: "--max-age") } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        let siteConfig = try config.load()
        let limit = try DurationArgument.seconds(maxAge, option: "--max-age")
        let stores = try SiteUsers.stores(directory: nil, group: group, root: storeRoot.root(siteConfig), config: siteConfig)
        let now = Date()
        var stale = 0
        Terminal.write(row(["USER", "LAST SUCCESS", "AGE", "LAST RUN", "STATUS", "STATE"]) + "\n")
        for (user, directory) in stores {
            var lastSuccess: Date?, lastRun: RunRecord?, problem: String?
            do {
                let backups = try SiteUsers.runs(directory).filter { $0.kind == "backup" }
                lastRun = backups.last
                lastSuccess = backups.last { $0.status == "ok" }?.finishedAt
            } catch {
                problem = "unreadable: \(error)"
            }
            let age = lastSuccess.map { now.timeIntervalSince($0) }
            let isStale = age.map { $0 > limit } ?? true
            if isStale { stale += 1 }
            guard isStale || !staleOnly else { continue }
            Terminal.write(row([
                user, Formatting.date(lastSuccess), age.map(Formatting.duration) ?? "-", Formatting.date(lastRun?.startedAt),
                lastRun?.status ?? "-", problem ?? (lastSuccess == nil ? "STALE (never)" : isStale ? "STALE" : "ok"),
            ]) + "\n")
        }
        Terminal.write("\(stale) of \(stores.count) users without a successful backup in the last \(maxAge)\n")
        if stale > 0 { throw CommandFailure(exit: .partialFailure) }
    }

    private func row(_ fields: [String]) -> String {
        let widths = [20, 16, 10, 16, 8, 0]
        return zip(fields, widths).map { field, width in
            width == 0 ? field : Formatting.clip(field, width).padding(toLength: width, withPad: " ", startingAt: 0)
        }.joined(separator: " ")
    }
}
