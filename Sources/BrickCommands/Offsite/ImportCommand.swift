import ArgumentParser
import BrickBundle
import BrickOffsite
import BrickStore
import Foundation

/// `brick-backup import`: applies bundles to replicas, in sequence.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Apply off-site bundles, in sequence, to replica stores under --store.",
        discussion: """
            Bundles come from files, from directories (every *.bundle below, in name order: \
            DIR/<user>/<sequence>.bundle, or one user's DIR/<user>; a directory holding no bundle \
            is refused), or from standard output of an export (-). Each user's \
            replica takes a bundle only when it follows the last one applied (same primary \
            store, next sequence, parent digest): a gap, another store's bundle or a damaged \
            bundle is refused with one line and the replica is left unchanged; a bundle \
            applied already is skipped. The replica is an ordinary store: index, stats, \
            verify, brick-restore and, after a promotion, backup work on it.

            \(BrickExit.helpText)
            """)

    @Argument(help: ArgumentHelp("Bundle files, directories of bundles, or - for standard input.", valueName: "BUNDLE|DIR|-"))
    var sources: [String]

    @Option(name: .long, help: ArgumentHelp("Apply bundles up to this sequence number, or created up to the end of this day (YYYY-MM-DD).", valueName: "SEQ|DATE"))
    var until: String?

    @Flag(name: .customLong("keep-purged"), help: "Keep what the primary purged (the replica keeps deleted mail longer).")
    var keepPurged = false

    @Option(name: .long, help: ArgumentHelp(
        "A private key file (from keygen) that opens encrypted bundles; repeatable. Mode 0600 required.", valueName: "FILE"))
    var identity: [String] = []

    @OptionGroup var storeRoot: StoreRootOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !sources.isEmpty else { throw ValidationError("name bundle files, directories, or - for standard input") }
        if sources.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be named once") }
        _ = try limit()
    }

    func run() async throws {
        let options = ImportOptions(
            until: try limit(), keepPurged: keepPurged, identities: try BundleKeyOptions.identities(identity))
        try StoreRootOptions.requireKey(forSealed: storeRoot.root)
        let importer = BundleImporter(root: storeRoot.root, options: options)
        let summary = ImportSummary()
        let counter = Counter()
        let display = output.progress.isEnabled ? ProgressDisplay { "import: \(Formatting.count(counter.value)) bundles" } : nil
        var worst = BrickExit.success
        for (label, open) in try BundleSources.expand(sources) {
            do {
                let input = try open()
                while let report = try importer.importNext(from: input, label: label) {
                    summary.add(report)
                    counter.value += 1
                    if case .refused(let reason) = report.outcome {
                        worst = .integrity
                        let line = "brick-backup import: \(reason)"
                        if let display { display.printAbove(line) } else { Terminal.printError(line) }
                    }
                }
            } catch {
                worst = Self.exit(for: error, worst: worst)
                let line = "brick-backup import: \(error)"
                if let display { display.printAbove(line) } else { Terminal.printError(line) }
            }
        }
        display?.finish()
        summary.print()
        if worst != .success { throw CommandFailure(exit: worst) }
    }

    /// The exit code after `error`, keeping the gravest so far.
    private static func exit(for error: any Error, worst: BrickExit) -> BrickExit {
        let code: BrickExit = switch error {
        case OffsiteError.newerFormat: .usage
        case is OffsiteError: .integrity
        default: BrickExit.forError(error)
        }
        return code.rawValue > worst.rawValue ? code : worst
    }

    /// `--until` as a sequence number or the end of a day.
    private func limit() throws -> ImportLimit? {
        guard let until else { return nil }
        if let sequence = UInt64(until) { return .sequence(sequence) }
        return .date(try DateArgument.endOfDay(until, option: "--until").addingTimeInterval(-1))
    }
}
