import ArgumentParser
import BrickSite
import BrickStore
import Foundation

/// `brick-backup hold add`: places a hold on users' stores.
struct HoldAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Hold users' mail (all of it, or one sender's or one period's) against purge.")

    @OptionGroup var holdUsers: HoldUsers

    @Option(name: .long, help: ArgumentHelp("Why: the case or ticket (required).", valueName: "TEXT"))
    var reason: String

    @Option(name: .long, help: ArgumentHelp("The hold ends by itself after this day.", valueName: "YYYY-MM-DD"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("Hold only mail from this address or @domain.", valueName: "ADDR|@DOMAIN"))
    var sender: String?

    @Option(name: .customLong("period-begin"), help: ArgumentHelp("Hold only mail received on or after this day.", valueName: "YYYY-MM-DD"))
    var periodBegin: String?

    @Option(name: .customLong("period-end"), help: ArgumentHelp("Hold only mail received on or before this day.", valueName: "YYYY-MM-DD"))
    var periodEnd: String?

    @OptionGroup var config: ConfigOptions
    @OptionGroup var storeRoot: StoreRootOptions

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why") }
        if let sender, !sender.contains("@") || sender.count < 2 {
            throw ValidationError("invalid --sender '\(sender)': give an address (alice@example.org) or a domain (@example.org)")
        }
    }

    func run() async throws {
        let root = storeRoot.root(try config.load())
        var hold = LegalHold(
            reason: reason, sender: sender?.trimmingCharacters(in: .whitespaces),
            periodBegin: try periodBegin.map { try DateArgument.startOfDay($0, option: "--period-begin") },
            periodEnd: try periodEnd.map { try DateArgument.endOfDay($0, option: "--period-end") },
            until: try until.map { try DateArgument.endOfDay($0, option: "--until") })
        if let end = hold.until, end <= Date() { throw UsageError("--until \(until!) is in the past") }
        hold.since = Date()
        var failed = 0
        for user in try holdUsers.named() {
            do {
                let store = try HoldStores.open(user, root: root)
                let placed = try store.addHold(hold)
                Terminal.write("\(user): hold \(placed.id) placed on \(placed.scope)"
                    + (placed.until.map { " until \(Formatting.date($0))" } ?? "") + "\n")
            } catch {
                failed += 1
                Terminal.printError("brick-backup hold add: \(user): \(error)")
            }
        }
        if failed > 0 { throw CommandFailure(exit: .partialFailure) }
    }
}

/// Opening a user's store for a hold change.
enum HoldStores {
    /// The store of `user` under `root`, for writing; a missing store is a usage error.
    static func open(_ user: String, root: URL) throws -> UserStore {
        let layout = try StoreLayout(root: root, user: user)
        guard FileManager.default.fileExists(atPath: layout.catalog.path) else {
            throw UsageError("no store for user \(user) under \(root.path)")
        }
        return try UserStore(layout: layout, user: user, mode: .readWrite)
    }
}
