import ArgumentParser
import BrickSite

/// `brick-backup hold`: legal holds that purge honours.
struct HoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Place, remove and list legal holds: a held user's items are never removed by purge.",
        discussion: """
            A hold is recorded in each user's store (it survives restarts, is shown by stats, \
            travels in off-site bundles) and every change is a run of kind hold in the run \
            history (brick-backup runs). With --sender or a period, only those items are held.

            Examples:
              brick-backup hold add alice bob --reason "Case 2026-17" --until 2027-12-31
              brick-backup hold add --users-file /etc/brick/case17 --reason "Case 2026-17" --sender @contoso.example
              brick-backup hold list
              brick-backup hold remove alice bob --why "Case 2026-17 closed"
            """,
        subcommands: [HoldAddCommand.self, HoldRemoveCommand.self, HoldListCommand.self])
}

/// The users a hold command works on: names, or `--users-file`.
struct HoldUsers: ParsableArguments {
    @Argument(help: ArgumentHelp("Users whose stores are under --store.", valueName: "USER"))
    var users: [String] = []

    @Option(name: .customLong("users-file"), help: ArgumentHelp("A file with one user per line (# comments allowed).", valueName: "FILE"))
    var usersFile: String?

    /// The named users, without duplicates, in order; none when `optional` allows it.
    func named(optional: Bool = false) throws -> [String] {
        let names = try UserSelectionOptions.merging(users, usersFile: usersFile)
        if names.isEmpty && !optional { throw UsageError("name the users (USER… or --users-file FILE)") }
        return names
    }
}
