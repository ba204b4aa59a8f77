import ArgumentParser
import BrickStore
import Foundation

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
              brick-backup index backups/alice --text '"annual report" draft*'

            --rebuild-text indexes the text of every stored message (as backup --index-text does \
            for new ones) and turns text indexing on for the store's later backups; it takes the \
            store's writer lock.
            """)

    @OptionGroup var userDirectory: UserDirectoryArgument
    @OptionGroup var filters: ItemFilterOptions

    @Option(name: .long, help: "table, csv or json (default: table on a terminal, csv otherwise).")
    var format: ListingFormat?

    @Flag(name: .customLong("rebuild-text"), help: "Build the message text index of the store (for --text) instead of listing.")
    var rebuildText = false

    func run() async throws {
        if rebuildText {
            let url = URL(fileURLWithPath: userDirectory.userDirectory)
            _ = try userDirectory.openReadOnly()
            let store = try UserStore(layout: StoreLayout(userDirectory: url), mode: .readWrite)
            let started = Date()
            let result = try store.rebuildTextIndex()
            Terminal.write("indexed the text of \(Formatting.count(result.indexed)) messages"
                + (result.skipped > 0 ? ", \(Formatting.count(result.skipped)) above 64 MB left out" : "")
                + " in \(Formatting.duration(Date().timeIntervalSince(started)))\n")
            return
        }
        let store = try userDirectory.openReadOnly()
        let query = try filters.query()
        let listing = ItemListing(format: format ?? .automatic)
        listing.begin()
        try store.forEachItem(matching: query) { listing.write($0) }
        listing.end(summary: true)
    }
}
