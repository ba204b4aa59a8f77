import ArgumentParser

/// The `brick-backup` tool: backup, purge, index, settings, stats, verify, repair, export, import, bundles, keygen, runs, status, config, init, upgrade.
public struct BrickBackup: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "brick-backup",
        abstract: "Brick-level incremental mail backup: one store per user, one item per message.",
        discussion: BrickExit.helpText,
        version: BrickVersion.current,
        subcommands: [
            BackupCommand.self, PurgeCommand.self, IndexCommand.self, StatsCommand.self, VerifyCommand.self, RepairCommand.self,
            SettingsCommand.self, ExportCommand.self, ImportCommand.self, BundlesCommand.self, KeygenCommand.self,
            RunsCommand.self, StatusCommand.self, ConfigCommand.self,
            HoldCommand.self, AuditCommand.self, InitCommand.self, UpgradeCommand.self,
        ])

    public init() {}

    /// Runs the tool with the process's arguments and exits.
    public static func runMain() async -> Never {
        await CommandMain.run(BrickBackup.self, toolName: "brick-backup")
    }
}

/// The version both tools print.
enum BrickVersion {
    static let current = "0.1.0"
}
