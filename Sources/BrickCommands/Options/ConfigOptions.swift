import ArgumentParser
import BrickSite
import Foundation

/// `--config FILE`: the configuration file (else `$BRICK_CONFIG`, else
/// `/etc/brick/brick.toml`, which may be missing).
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp(
        "The configuration file (default: $BRICK_CONFIG, else /etc/brick/brick.toml if it exists). Flags win over it.", valueName: "FILE"))
    var config: String?

    /// Where the configuration is read from.
    var location: ConfigLocation { ConfigLocation(flag: config, environment: ProcessInfo.processInfo.environment) }

    /// Reads the configuration and applies its umask; each problem is printed as one
    /// line naming the file, the line and the key, and the command exits with code 2.
    func load(toolName: String = "brick-backup") throws -> SiteConfig {
        do {
            let site = try SiteConfig.load(location)
            if let mask = site.umask { umask(mode_t(mask)) }
            return site
        } catch {
            for problem in error.problems { Terminal.printError("\(toolName): \(problem)") }
            throw CommandFailure(exit: .usage)
        }
    }
}
