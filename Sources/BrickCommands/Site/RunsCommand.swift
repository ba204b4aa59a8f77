import ArgumentParser
import BrickCore
import BrickStore
import Foundation

/// `brick-backup runs`: the run history of one user, a group or the whole store.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List backup and purge runs: kind, start, duration, status, counts, errors.",
        discussion: """
            Examples:
              brick-backup runs /srv/brick/alice --since 2026-11-01
              brick-backup runs --group staff --since 2026-11-30 --format csv
            """)

    @Argument(help: ArgumentHelp("One user's store directory (default: every store under --store, or the --group's).", valueName: "USER_DIR"))
    var userDirectory: String?

    @Option(name: .long, help: ArgumentHelp("Only the stores of this configured group.", valueName: "NAME"))
    var group: String?

    @Option(name: .long, help: ArgumentHelp("Only runs started on or after this day.", valueName: "YYYY-MM-DD"))
    var since: String?

    @Option(name: .long, help: "table, csv or json (default: table on a terminal, csv otherwise).")
    var format: ListingFormat?

    @OptionGroup var config: ConfigOptions
    @OptionGroup var storeRoot: StoreRootOptions

    func validate() throws {
        if userDirectory != nil && group != nil { throw ValidationError("give USER_DIR or --group, not both") }
    }

    func run() async throws {
        let siteConfig = try config.load()
        let start = try since.map { try DateArgument.startOfDay($0, option: "--since") }
        let stores = try SiteUsers.stores(directory: userDirectory, group: group, root: storeRoot.root(siteConfig), config: siteConfig)
        let listing = RunListing(format: format ?? .automatic)
        listing.begin()
        var failures = 0
        for (user, directory) in stores {
            do {
                for run in try SiteUsers.runs(directory) where start.map({ run.startedAt >= $0 }) ?? true {
                    listing.write(user: user, run: run)
                }
            } catch {
                failures += 1
                Terminal.printError("brick-backup runs: \(user): \(error)")
            }
        }
        listing.end()
        if failures > 0 { throw CommandFailure(exit: .partialFailure) }
    }
}
