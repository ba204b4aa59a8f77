import ArgumentParser
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
        var names = users
        if let usersFile {
            guard let text = try? String(contentsOfFile: usersFile, encoding: .utf8) else {
                throw UsageError("cannot read --users-file \(usersFile)")
            }
            names += text.split(whereSeparator: \.isNewline)
                .map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "" }
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
