import ArgumentParser

/// `brick-backup bundles`: work on a directory of off-site bundles without a store.
struct BundlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundles",
        abstract: "List, check and rotate directories of off-site bundles (DIR/<user>/<sequence>.bundle).",
        subcommands: [BundlesListCommand.self, BundlesVerifyCommand.self, BundlesConsolidateCommand.self])
}
