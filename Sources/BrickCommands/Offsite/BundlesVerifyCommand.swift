import ArgumentParser
import BrickOffsite
import Foundation

/// `brick-backup bundles verify DIR`: reads every bundle whole; exit 4 on damage or a
/// broken chain, naming the bundle and the record; exit 2 when all that stopped it is a
/// bundle of a newer format.
struct BundlesVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every bundle's records and digest and every user's chain; exit 4 on damage.",
        discussion: BrickExit.helpText)

    @Argument(help: ArgumentHelp("A bundle directory (DIR/<user>/<sequence>.bundle), or one user's directory of bundles.", valueName: "DIR"))
    var directory: String

    @Option(name: .customLong("read-data-subset"), help: ArgumentHelp(
        "Read whole only the K-th of every N bundles of each user (the others: header and chain); vary K on successive runs.",
        valueName: "K/N"))
    var subset: String?

    @Option(name: .long, help: ArgumentHelp(
        "A private key file that opens encrypted bundles, so their records are checked too; repeatable.", valueName: "FILE"))
    var identity: [String] = []

    func validate() throws { _ = try part() }

    /// `--read-data-subset` as (K, N), (1, 1) without it.
    private func part() throws -> (part: Int, of: Int) {
        guard let subset else { return (1, 1) }
        let numbers = subset.split(separator: "/").compactMap { Int($0) }
        guard numbers.count == 2, numbers[1] >= 1, (1...numbers[1]).contains(numbers[0]) else {
            throw ValidationError("--read-data-subset \(subset): give K/N with 1 <= K <= N, e.g. 1/7")
        }
        return (numbers[0], numbers[1])
    }

    func run() async throws {
        let root = try BundleRoot(directory)
        let (part, of) = try part()
        let identities = try BundleKeyOptions.identities(identity)
        var problems = 0
        var newer = 0
        var bundles = 0
        var read = 0
        var unchecked = 0
        for user in root.users {
            for entry in try BundleChainCheck.check(
                directory: root.url, user: user, identities: identities, readData: { $0 % of == part - 1 })
            {
                bundles += 1
                if entry.dataRead { read += 1 }
                if entry.contentsUnchecked {
                    unchecked += 1
                    Terminal.write("\(entry.url.path): envelope and chain checked; records not checked: encrypted for key id \(entry.recipients.joined(separator: ", ")), no --identity for it\n")
                }
                for damage in entry.damage { Terminal.write("\(entry.url.path): \(damage)\n") }
                if let problem = entry.chainProblem { Terminal.write("\(entry.url.path): broken chain: \(problem)\n") }
                if let newerFormat = entry.newerFormat {
                    Terminal.write("\(entry.url.path): \(newerFormat); not checked: use a newer Brick\n")
                    newer += 1
                } else if !entry.isSound {
                    problems += 1
                }
            }
        }
        let encrypted = unchecked > 0 ? ", \(Formatting.count(unchecked)) encrypted without a key (records not checked)" : ""
        let unread = newer > 0 ? ", \(Formatting.count(newer)) of a newer format" : ""
        Terminal.write("\(Formatting.count(bundles)) bundles checked (\(Formatting.count(read)) read whole\(encrypted)): \(problems) damaged or out of chain\(unread)\n")
        if problems > 0 { throw CommandFailure(exit: .integrity) }
        if newer > 0 { throw CommandFailure(exit: .usage) }
    }
}
