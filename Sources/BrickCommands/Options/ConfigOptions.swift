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

/// `--group NAME` (repeatable) and `--all-groups`: the configured backup groups to work on.
struct GroupSelectionOptions: ParsableArguments {
    @Option(name: .customLong("group"), help: ArgumentHelp("A backup group of the configuration file (repeatable).", valueName: "NAME"))
    var groups: [String] = []

    @Flag(name: .customLong("all-groups"), help: "Every backup group of the configuration file, in its order.")
    var allGroups = false

    /// True when groups were asked for.
    var isGiven: Bool { !groups.isEmpty || allGroups }

    /// The groups asked for, in order; a name the configuration lacks is a usage error.
    func selected(_ config: SiteConfig) throws -> [GroupConfig] {
        if allGroups {
            guard !config.groups.isEmpty else { throw UsageError("--all-groups: \(config.file ?? "no configuration file") has no [groups.NAME]") }
            return config.groups
        }
        var seen = Set<String>()
        return try groups.filter { seen.insert($0).inserted }.map { name in
            guard let group = config.group(named: name) else {
                let known = config.groups.map(\.name).joined(separator: ", ")
                throw UsageError("--group \(name): no [groups.\(name)] in \(config.file ?? "the configuration (no file was read)")"
                    + (known.isEmpty ? "" : "; groups: \(known)"))
            }
            return group
        }
    }
}

/// `--shard I/N`, `--metrics-file` and `--metrics-per-user`: running a site's share of
/// users and telling monitoring about it.
struct SiteRunOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Work only on the users of shard I of N (I from 0), chosen by a stable hash of the user name; env/N takes I from $JOB_COMPLETION_INDEX.",
        valueName: "I/N"))
    var shard: String?

    @Option(name: .customLong("metrics-file"), help: ArgumentHelp(
        "Write Prometheus metrics for node_exporter's textfile collector here after the run (atomically).", valueName: "PATH"))
    var metricsFile: String?

    @Flag(name: .customLong("metrics-per-user"), inversion: .prefixedNo, help: "Add per-user series to the metrics file (off by default).")
    var metricsPerUser: Bool?

    /// The shard, if one was asked for.
    func parsedShard() throws -> Shard? {
        guard let shard else { return nil }
        do {
            return try Shard(parsing: shard, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw UsageError("\(error)")
        }
    }

    func validate() throws {
        do { _ = try parsedShard() } catch { throw ValidationError("\(error)") }
    }

    /// Writes the runs' metrics when a metrics file is set (flag or configuration);
    /// a failure to write is reported and makes the run a partial failure.
    func write(_ runs: [RunMetrics], config: SiteConfig, toolName: String) -> Bool {
        guard let path = metricsFile ?? config.metricsFile else { return true }
        do {
            try MetricsFile.update(path: path, runs: runs, perUser: metricsPerUser ?? config.metricsPerUser ?? false)
            return true
        } catch {
            Terminal.printError("\(toolName): \(error)")
            return false
        }
    }
}
