import ArgumentParser
import BrickBundle
import BrickOffsite
import BrickSite
import BrickStore
import Foundation

/// `brick-backup export`: each user's changes since a target's last export, as bundles.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write each user's changes since the target's last export as a bundle (off-site copies).",
        discussion: """
            One bundle per user: DIR/<user>/<sequence>.bundle, or all of them one after the \
            other on standard output with --to -. The first export to a target, or --full, \
            writes everything; later ones what changed since. A target's cursor moves only \
            once its bundle is durable, so a failed export is simply run again. Run it after \
            the backup: it takes each user's writer lock. Without -u/--users-file or --group, \
            every user store under --store is exported.

            Bundles leave the host: encrypt them to one or more public keys with \
            --encrypt-to (brick-backup keygen makes a pair; only the private key, kept \
            elsewhere, reads them), or say --no-encrypt to write them in clear.

            A [targets.NAME] table of the configuration file can give the destination \
            (to = "DIR") and the recipients (encrypt-to = ["brick-public-…", "FILE.pub"], \
            or encrypt = false for plain bundles); flags win over it.

            Examples:
              brick-backup export --target offsite --all-groups --metrics-file /var/lib/prometheus/node-exporter/brick.prom
              brick-backup export --target vault --to - --encrypt-to vault.pub | ssh vault brick-backup import --store /srv/replica --identity vault.key -

            \(BrickExit.helpText)
            """)

    @Option(name: .long, help: ArgumentHelp("The export target: each keeps its own cursor; [targets.NAME] in the configuration may describe it.", valueName: "NAME"))
    var target: String

    @Option(name: .customLong("to"), help: ArgumentHelp("Where the bundles go: a directory, or - for standard output (default: the target's to).", valueName: "DIR|-"))
    var destination: String?

    @Flag(name: .long, help: "Write full bundles, whatever the target's cursor.")
    var full = false

    @Option(name: .customLong("encrypt-to"), help: ArgumentHelp(
        "Encrypt each bundle for this public key (brick-public-…, or a FILE.pub from keygen); repeat for several recipients (default: the target's encrypt-to).",
        valueName: "KEY|FILE"))
    var encryptTo: [String] = []

    @Flag(name: .customLong("no-encrypt"), help: "Write the bundles in clear.")
    var noEncrypt = false

    @OptionGroup var config: ConfigOptions
    @OptionGroup var groupSelection: GroupSelectionOptions
    @OptionGroup var storeRoot: StoreRootOptions
    @OptionGroup var userSelection: UserSelectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var site: SiteRunOptions

    func validate() throws {
        guard !target.isEmpty, !target.contains(where: { $0.isNewline }) else {
            throw ValidationError("--target needs a name without line breaks")
        }
        if !encryptTo.isEmpty && noEncrypt {
            throw ValidationError("--encrypt-to and --no-encrypt exclude each other")
        }
        if destination == "-" && Terminal.stdoutIsTTY {
            throw ValidationError("--to - writes bundles to standard output, which is a terminal: pipe or redirect it")
        }
    }

    func run() async throws {
        let siteConfig = try config.load()
        let configured = siteConfig.target(named: target)
        let root = storeRoot.root(siteConfig)
        guard let destination = destination ?? configured?.to else {
            throw UsageError("where do the bundles go? give --to DIR|- or [targets.\(target)] to = \"DIR\" in the configuration file")
        }
        if destination == "-" && Terminal.stdoutIsTTY {
            throw UsageError("[targets.\(target)] to = \"-\" writes bundles to standard output, which is a terminal: pipe or redirect it")
        }
        let encryption = try ExportEncryption(flags: encryptTo, noEncrypt: noEncrypt, target: configured, name: target)
        let shard = try site.parsedShard()
        let plans = try StoreGroupPlan.resolve(groups: groupSelection, users: userSelection, config: siteConfig, root: root, shard: shard)
        for plan in plans { for user in plan.users { try StoreLayout.validate(userName: user) } }
        try StoreRootOptions.requireKey(forSealed: root)
        let streaming = destination == "-"
        let directory = URL(fileURLWithPath: destination)
        if !streaming { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        let run = UserExport(
            target: target, full: full, root: root, recipients: encryption.recipients,
            stream: streaming ? StandardOutputBundleOutput() : nil, directory: directory)
        let summary = ExportSummary(toStandardError: streaming, encryption: encryption.summaryLine)
        let counter = Counter()
        let current = LockedText()
        let display = output.progress.isEnabled
            ? ProgressDisplay { "export \(current.value): \(Formatting.count(counter.value)) items" } : nil
        var failures = 0, lockedFailures = 0, streamBroken = false
        var metrics: [RunMetrics] = []
        for plan in plans where !streamBroken {
            let started = Date()
            var results: [RunMetrics.UserResult] = []
            var bundles = 0, bytes: Int64 = 0
            for user in plan.users where !streamBroken {
                current.value = user
                do {
                    let report = try run.export(user: user) { message in
                        if let display { display.printAbove(message) } else { Terminal.printError(message) }
                    } progress: { counter.value = $0 }
                    summary.add(report)
                    bundles += 1
                    bytes += report.bundleBytes
                    results.append(RunMetrics.UserResult(user: user, succeeded: true))
                } catch {
                    failures += 1
                    if case StoreError.locked = error { lockedFailures += 1 }
                    results.append(RunMetrics.UserResult(user: user, succeeded: false))
                    let line = "brick-backup export: \(user): \(error)"
                    if let display { display.printAbove(line) } else { Terminal.printError(line) }
                    // A bundle cut short on the stream ends what the reader can follow.
                    streamBroken = streaming
                }
            }
            metrics.append(RunMetrics(
                kind: .export, group: plan.group, finished: Date(), duration: Date().timeIntervalSince(started),
                usersSucceeded: results.filter(\.succeeded).count, usersFailed: plan.users.count - results.filter(\.succeeded).count,
                items: bundles, bytes: bytes, users: results, shard: shard?.description))
        }
        display?.finish()
        summary.print()
        let metricsWritten = site.write(metrics, config: siteConfig, toolName: "brick-backup")
        if failures > 0 { throw CommandFailure(exit: lockedFailures == failures && metricsWritten ? .locked : .partialFailure) }
        if !metricsWritten { throw CommandFailure(exit: .partialFailure) }
    }
}

/// Text shared with the progress display.
final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = ""
    var value: String {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
