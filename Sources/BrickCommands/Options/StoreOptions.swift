import ArgumentParser
import BrickStore
import Foundation
import Logging

/// Where the stores are: `--store DIR`, else `$BRICK_STORE`, else `./backups`.
struct StoreRootOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store root holding one directory per user (default: $BRICK_STORE or ./backups).", valueName: "DIR"))
    var store: String?

    /// The store root.
    var root: URL {
        URL(fileURLWithPath: store ?? ProcessInfo.processInfo.environment["BRICK_STORE"] ?? "backups")
    }

    /// Users with a store under the root.
    func existingUsers() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("catalog.sqlite").path) }.sorted()
    }
}

/// A user's store directory given as an argument (`index`, `stats`, `verify`, restore).
struct UserDirectoryArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The user's store directory, e.g. backups/alice.", valueName: "USER_DIR"))
    var userDirectory: String

    /// Opens the store read-only.
    func openReadOnly() throws -> UserStore {
        let url = URL(fileURLWithPath: userDirectory)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("catalog.sqlite").path) else {
            throw UsageError("\(userDirectory) is not a Brick user store (no catalog.sqlite in it)")
        }
        return try UserStore(layout: StoreLayout(userDirectory: url), mode: .readOnly)
    }
}

/// `--log-level` and `--progress`.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .notice

    @Option(name: .long, help: "Progress bar: auto (on a terminal), always or never.")
    var progress: ProgressDisplay.Mode = .auto
}

extension ProgressDisplay.Mode: ExpressibleByArgument {}
