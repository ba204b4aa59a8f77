import ArgumentParser
import BrickBundle
import BrickOffsite
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
            the backup: it takes each user's writer lock. Without -u/--users-file, every \
            user store under --store is exported.

            Bundles leave the host: encrypt them to one or more public keys with \
            --encrypt-to (brick-backup keygen makes a pair; only the private key, kept \
            elsewhere, reads them), or say --no-encrypt to write them in clear.

            \(BrickExit.helpText)
            """)

    @Option(name: .long, help: ArgumentHelp("The export target: each keeps its own cursor.", valueName: "NAME"))
    var target: String

    @Option(name: .customLong("to"), help: ArgumentHelp("Where the bundles go: a directory, or - for standard output.", valueName: "DIR|-"))
    var destination: String

    @Flag(name: .long, help: "Write full bundles, whatever the target's cursor.")
    var full = false

    @Option(name: .customLong("encrypt-to"), help: ArgumentHelp(
        "Encrypt each bundle for this public key (brick-public-…, or a FILE.pub from keygen); repeat for several recipients.",
        valueName: "KEY|FILE"))
    var encryptTo: [String] = []

    @Flag(name: .customLong("no-encrypt"), help: "Write the bundles in clear.")
    var noEncrypt = false

    @OptionGroup var storeRoot: StoreRootOptions
    @OptionGroup var userSelection: UserSelectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !target.isEmpty, !target.contains(where: { $0.isNewline }) else {
            throw ValidationError("--target needs a name without line breaks")
        }
        if encryptTo.isEmpty == !noEncrypt {
            throw ValidationError(noEncrypt
                ? "--encrypt-to and --no-encrypt exclude each other"
                : "bundles leave this host: give --encrypt-to KEY (brick-backup keygen makes one) or --no-encrypt")
        }
        if destination == "-" && Terminal.stdoutIsTTY {
            throw ValidationError("--to - writes bundles to standard output, which is a terminal: pipe or redirect it")
        }
    }

    func run() async throws {
        var users = try userSelection.namedUsers()
        if users.isEmpty || userSelection.allUsers { users = storeRoot.existingUsers() }
        guard !users.isEmpty else { throw UsageError("no user stores under \(storeRoot.root.path)") }
        try StoreRootOptions.requireKey(forSealed: storeRoot.root)
        let streaming = destination == "-"
        let stream = streaming ? StandardOutputBundleOutput() : nil
        let directory = URL(fileURLWithPath: destination)
        if !streaming { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        let recipients = try BundleKeyOptions.recipients(encryptTo)
        let summary = ExportSummary(toStandardError: streaming, recipients: recipients.map(\.keyIDText))
        let counter = Counter()
        let current = LockedText()
        let display = output.progress.isEnabled
            ? ProgressDisplay { "export \(current.value): \(Formatting.count(counter.value)) items" } : nil
        var failures = 0, lockedFailures = 0
        for user in users {
            current.value = user
            do {
                let layout = try StoreLayout(root: storeRoot.root, user: user)
                guard FileManager.default.fileExists(atPath: layout.catalog.path) else {
                    throw UsageError("no store for user \(user) under \(storeRoot.root.path)")
                }
                let store = try UserStore(layout: layout, user: user, mode: .readWrite)
                let exporter = BundleExporter(
                    target: target, full: full, brickVersion: BrickVersion.current, recipients: recipients)
                let report: ExportReport
                if let stream {
                    report = try exporter.export(store, to: stream, commit: { try stream.flush() }) { counter.value = $0 }
                } else {
                    if !full, try ExportResumption.adoptCommittedBundle(store, target: target, directory: directory) {
                        Terminal.printError("brick-backup export: \(user): the bundle an interrupted export wrote was kept as it was")
                    }
                    let sequence = (try store.exportTarget(target)?.lastSequence ?? 0) + 1
                    let file = try BundleFileOutput(directory: directory, user: user, sequence: sequence)
                    do {
                        report = try exporter.export(store, to: file, commit: { try file.commit() }) { counter.value = $0 }
                    } catch {
                        file.discard()
                        throw error
                    }
                }
                summary.add(report)
            } catch {
                failures += 1
                if case StoreError.locked = error { lockedFailures += 1 }
                let line = "brick-backup export: \(user): \(error)"
                if let display { display.printAbove(line) } else { Terminal.printError(line) }
                // A bundle cut short on the stream ends what the reader can follow.
                if streaming { break }
            }
        }
        display?.finish()
        summary.print()
        if failures > 0 { throw CommandFailure(exit: lockedFailures == failures ? .locked : .partialFailure) }
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
