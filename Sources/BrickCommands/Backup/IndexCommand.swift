import ArgumentParser
import BrickStore

/// `brick-backup index`: lists a user's backed-up items with restore's filters.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "List the items in a user's store (key, folder, dates, sender, subject, size, flags, deleted).",
        discussion: """
            The filters are the ones brick-restore takes, so a listing shows exactly what a \
            restore with the same options would bring back.

            Example:
              brick-backup index backups/alice --sender @example.com --period-begin 2025-03-01 --period-end 2025-03-31 --deleted only
            """)

    @OptionGroup var userDirectory: UserDirectoryArgument
    @OptionGroup var filters: ItemFilterOptions

    @Option(name: .long, help: "table, csv or json (default: table on a terminal, csv otherwise).")
    var format: ListingFormat?

    func run() async throws {
        let store = try userDirectory.openReadOnly()
        let query = try filters.query()
        let listing = ItemListing(format: format ?? .automatic)
        listing.begin()
        try store.forEachItem(matching: query) { listing.write($0) }
        listing.end(summary: true)
    }
}
