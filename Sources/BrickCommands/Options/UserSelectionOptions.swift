import ArgumentParser
import BrickSite
import Foundation

/// Which users a command works on: `-u` (repeatable), `--users-file`, `--all-users`.
struct UserSelectionOptions: ParsableArguments {
    @Option(name: [.short, .customLong("user")], help: ArgumentHelp("A user to work on (repeatable).", valueName: "NAME"))
    var users: [String] = []

    @Option(name: .customLong("users-file"), help: ArgumentHelp("A file with one user per line (# comments allowed).", valueName: "FILE"))
    var usersFile: String?

    @Flag(name: .customLong("all-users"), help: "Every user: found by expanding {user} in a Maildir source, listed by the --admin-user of an IMAP server that shows its users (Cyrus), or every store under --store.")
    var allUsers = false

    /// The users named by -u and --users-file, without duplicates, in order.
    func namedUsers() throws -> [String] {
        try Self.merging(users, usersFile: usersFile)
    }

    /// `names`, then the names in `usersFile`, without duplicates, in order.
    static func merging(_ names: [String], usersFile: String?) throws -> [String] {
        var names = names
        if let usersFile {
            do {
                names += try UsersFile.read(usersFile)
            } catch {
                throw UsageError("cannot read --users-file \(usersFile)")
            }
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// True when any of the options was given.
    var isGiven: Bool { !users.isEmpty || usersFile != nil || allUsers }
}
