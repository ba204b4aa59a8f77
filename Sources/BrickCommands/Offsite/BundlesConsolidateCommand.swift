import ArgumentParser
import BrickBundle
import BrickOffsite
import Foundation

/// `brick-backup bundles consolidate DIR`: rotation of a bundle directory without the
/// store: bundles outside the retention policy are folded into the next kept one.
struct BundlesConsolidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consolidate",
        abstract: "Fold the bundles a retention policy does not keep into the next kept one.",
        discussion: """
            Keeps, per user, the newest --keep-last bundles and the newest of each of the last N days, \
            weeks and months (UTC); every other bundle is folded into the next kept one, so \
            each kept point can still be rebuilt (import --until) and old points cost no \
            space. Works on the directory alone, without the store. Each fold replaces the \
            kept bundle's file atomically before the folded ones are removed: an interrupted \
            run leaves the old chain or the new one.

            Encrypted chains need --identity to open the bundles and --encrypt-to to seal \
            each folded bundle (they are decrypted into a private temporary directory beside \
            the user's bundles while folded); a folded bundle that would no longer be \
            encrypted for a key id the chain had is refused unless --allow-dropping-recipients \
            says so. A plain chain given --encrypt-to gets encrypted folded bundles.

            \(BrickExit.helpText)
            """)

    @Argument(help: ArgumentHelp("A bundle directory (DIR/<user>/<sequence>.bundle), or one user's directory of bundles.", valueName: "DIR"))
    var directory: String

    @Option(name: .customLong("keep-last"), help: ArgumentHelp("The newest bundles to keep, whatever their dates.", valueName: "N"))
    var keepLast = 1

    @Option(name: .customLong("keep-daily"), help: ArgumentHelp("Days to keep one point of.", valueName: "N"))
    var keepDaily = 7

    @Option(name: .customLong("keep-weekly"), help: ArgumentHelp("Weeks to keep one point of.", valueName: "N"))
    var keepWeekly = 4

    @Option(name: .customLong("keep-monthly"), help: ArgumentHelp("Months to keep one point of.", valueName: "N"))
    var keepMonthly = 12

    @Option(name: [.customShort("u"), .customLong("user")], help: ArgumentHelp("Only this user's chain; repeatable.", valueName: "USER"))
    var users: [String] = []

    @Flag(name: .customLong("dry-run"), help: "Say what would be folded; change nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("A private key file that opens the encrypted bundles; repeatable.", valueName: "FILE"))
    var identity: [String] = []

    @Option(name: .customLong("encrypt-to"), help: ArgumentHelp(
        "Seal each folded bundle for this public key (brick-public-…, or a FILE.pub); repeat for several recipients.",
        valueName: "KEY|FILE"))
    var encryptTo: [String] = []

    @Flag(name: .customLong("allow-dropping-recipients"), help: "Let a folded bundle leave out key ids the bundles it folds were encrypted for.")
    var allowDroppingRecipients = false

    func validate() throws {
        guard keepLast >= 1, keepDaily >= 0, keepWeekly >= 0, keepMonthly >= 0 else {
            throw ValidationError("--keep-last takes 1 or more; --keep-daily, --keep-weekly and --keep-monthly take 0 or more")
        }
    }

    func run() async throws {
        let root = try BundleRoot(directory)
        let policy = BundleRetention(last: keepLast, daily: keepDaily, weekly: keepWeekly, monthly: keepMonthly)
        let keys = ConsolidationKeys(
            identities: try BundleKeyOptions.identities(identity), recipients: try BundleKeyOptions.recipients(encryptTo),
            allowDroppingRecipients: allowDroppingRecipients)
        var failures = 0
        for user in users.isEmpty ? root.users : users {
            do {
                let report = try BundleConsolidation.run(
                    directory: root.url, user: user, policy: policy, schema: OffsiteRecordSchema(),
                    brickVersion: BrickVersion.current, dryRun: dryRun, keys: keys)
                Terminal.write(Self.describe(report, dryRun: dryRun) + "\n")
            } catch {
                failures += 1
                Terminal.printError("brick-backup bundles consolidate: \(user): \(error)")
            }
        }
        if failures > 0 { throw CommandFailure(exit: .partialFailure) }
    }

    private static func describe(_ report: BundleConsolidationReport, dryRun: Bool) -> String {
        let folded = report.folds.reduce(0) { $0 + $1.bundles.count - 1 }
        let kept = report.kept.map(String.init).joined(separator: " ")
        guard !report.folds.isEmpty else { return "\(report.user): \(report.bundlesBefore) bundles, all kept" }
        let folds = report.folds.map { fold in
            "\(fold.bundles.first!.header.sequence)…\(fold.bundles.last!.header.sequence)"
        }.joined(separator: ", ")
        if dryRun {
            return "\(report.user): would fold \(folded) of \(report.bundlesBefore) bundles (\(folds)); kept points \(kept)"
        }
        return "\(report.user): folded \(folded) of \(report.bundlesBefore) bundles (\(folds)); kept points \(kept); "
            + "\(Formatting.bytes(Int64(report.bytesBefore))) → \(Formatting.bytes(Int64(report.bytesAfter)))"
    }
}
