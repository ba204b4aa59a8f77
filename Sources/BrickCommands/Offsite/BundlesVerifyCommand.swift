import ArgumentParser
import BrickOffsite
import Foundation

/// `brick-backup bundles verify DIR`: reads every bundle whole; exit 4 on damage or a
/// broken chain, naming the bundle and the record.
struct BundlesVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every bundle's records and digest and every user's chain; exit 4 on damage.",
        discussion: BrickExit.helpText)

    @Argument(help: ArgumentHelp("A bundle directory.", valueName: "DIR"))
    var directory: String

    func run() async throws {
        let root = URL(fileURLWithPath: directory)
        var problems = 0
        var bundles = 0
        for user in try BundleChainCheck.users(in: root) {
            for entry in try BundleChainCheck.check(directory: root, user: user) {
                bundles += 1
                for damage in entry.damage { Terminal.write("\(entry.url.path): \(damage)\n") }
                if let problem = entry.chainProblem { Terminal.write("\(entry.url.path): broken chain: \(problem)\n") }
                if !entry.isSound { problems += 1 }
            }
        }
        Terminal.write("\(Formatting.count(bundles)) bundles checked: \(problems) damaged or out of chain\n")
        if problems > 0 { throw CommandFailure(exit: .integrity) }
    }
}
