import ArgumentParser
import BrickStore
import BrickSite
import Foundation
import Logging

/// Where the stores are: `--store DIR`, else `$BRICK_STORE`, else `store` in the
/// configuration file, else `./backups`.
struct StoreRootOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store root holding one directory per user (default: $BRICK_STORE, else store in the configuration, else ./backups).", valueName: "DIR"))
    var store: String?

    /// The store root, without a configuration file.
    var root: URL { root(SiteConfig()) }

    /// The store root: the flag, the environment, the configuration, the default.
    func root(_ config: SiteConfig) -> URL {
        URL(fileURLWithPath: store ?? ProcessInfo.processInfo.environment["BRICK_STORE"] ?? config.store ?? "backups")
    }

    /// Users with a store under the root.
    func existingUsers() -> [String] { Self.existingUsers(under: root) }

    /// Refuses to go on, with one line, when `root` is sealed (docs/FORMAT.md §10) and
    /// no key from the environment opens its store key: a writer needs it for every user.
    static func requireKey(forSealed root: URL) throws {
        guard StoreKeyring.isSealedRoot(root) else { return }
        guard try StoreKeyring.shared.key(forRoot: root, user: "") != nil else {
            throw UsageError("the stores under \(root.path) are sealed: give the key with $\(StoreKeySecrets.keyFileVariable), "
                + "$\(StoreKeySecrets.passphraseFileVariable) or $\(StoreKeySecrets.passphraseVariable)")
        }
    }

    /// Users with a store under `root`.
    static func existingUsers(under root: URL) -> [String] {
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
        try UserStore(layout: StoreLayout(userDirectory: storeURL()), mode: .readOnly)
    }

    /// Opens the store for writing, taking its writer lock.
    func openReadWrite() throws -> UserStore {
        try UserStore(layout: StoreLayout(userDirectory: storeURL()), mode: .readWrite)
    }

    /// The directory, refused with one line unless it holds a catalog.
    private func storeURL() throws -> URL {
        let url = URL(fileURLWithPath: userDirectory)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("catalog.sqlite").path) else {
            throw UsageError("\(userDirectory) is not a Brick user store (no catalog.sqlite in it)")
        }
        return url
    }

    /// Opens the store read-only, refusing a sealed store without its key (one line,
    /// exit 2) before anything is read: for commands that read message bytes.
    func openForValues() throws -> UserStore {
        let store = try openReadOnly()
        if store.isLocked { throw StoreError.keyRequired(user: store.user) }
        return store
    }
}

/// `--log-level`, `--log-format` and `--progress`.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice (default), warning, error or critical.")
    var logLevelFlag: Logger.Level?

    @Option(name: .customLong("log-format"), help: "Log lines on standard error: text (default) or json (one object a line: time, level, event, user, folder, counts).")
    var logFormatFlag: LogFormat?

    /// The level without a configuration file.
    var logLevel: Logger.Level { logLevelFlag ?? .notice }

    /// The level: the flag, else `log-level` in the configuration, else notice.
    func logLevel(_ config: SiteConfig) -> Logger.Level {
        logLevelFlag ?? config.logLevel.flatMap(Logger.Level.init(rawValue:)) ?? .notice
    }

    /// The format: the flag, else `log-format` in the configuration, else text.
    func logFormat(_ config: SiteConfig) -> LogFormat { logFormatFlag ?? config.logFormat ?? .text }

    @Option(name: .long, help: "Progress bar: auto (on a terminal), always or never.")
    var progress: ProgressDisplay.Mode = .auto
}

extension ProgressDisplay.Mode: ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}
