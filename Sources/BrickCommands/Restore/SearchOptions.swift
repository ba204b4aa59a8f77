import ArgumentParser
import BrickSite
import BrickStore
import Foundation

/// The options of a search across users (`brick-restore STORE --all-users …`): which
/// users, how many catalogs at once, how many hits at most.
struct SearchOptions: ParsableArguments {
    @Option(name: .customShort("u"), help: ArgumentHelp("Search this user's store under STORE (repeatable).", valueName: "USER"))
    var users: [String] = []

    @Option(name: .customLong("users-file"), help: ArgumentHelp("Search the stores of the users in this file (one a line, # comments).", valueName: "FILE"))
    var usersFile: String?

    @Flag(name: .customLong("all-users"), help: "Search every user store under STORE.")
    var allUsers = false

    @Option(name: .customLong("group"), help: ArgumentHelp("Search the users of this backup group of the configuration file.", valueName: "NAME"))
    var group: String?

    @Option(name: [.customShort("j"), .customLong("jobs")], help: "How many user catalogs are searched at once (default: the number of cores).")
    var jobs: Int?

    @Option(name: .long, help: "Stop after this many hits in all.")
    var limit: Int?

    @OptionGroup var config: ConfigOptions

    /// True when the search across users was asked for.
    var isGiven: Bool { !users.isEmpty || usersFile != nil || allUsers || group != nil }

    /// Checks the combination.
    func validate() throws {
        let ways = [!users.isEmpty || usersFile != nil, allUsers, group != nil].filter { $0 }.count
        if ways > 1 { throw ValidationError("choose one of -u/--users-file, --all-users and --group") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    /// `(user, store directory)` pairs under `root`, sorted by user; a named user
    /// without a store is a usage error.
    func stores(root: URL) throws -> [(user: String, directory: URL)] {
        var names: [String]
        if allUsers {
            names = StoreRootOptions.existingUsers(under: root)
        } else if let group {
            names = try SiteUsers.stores(directory: nil, group: group, root: root, config: config.load(toolName: "brick-restore")).map(\.0)
        } else {
            names = users
            if let usersFile {
                do {
                    names += try UsersFile.read(usersFile)
                } catch {
                    throw UsageError("cannot read --users-file \(usersFile)")
                }
            }
            for name in names where !FileManager.default.fileExists(atPath: root.appendingPathComponent(name).appendingPathComponent("catalog.sqlite").path) {
                throw UsageError("\(name): no store under \(root.path)")
            }
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }.sorted().map { ($0, root.appendingPathComponent($0)) }
    }

    /// Workers: the flag, else the number of cores.
    var workers: Int { jobs ?? ProcessInfo.processInfo.activeProcessorCount }
}
