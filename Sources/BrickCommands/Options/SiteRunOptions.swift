import ArgumentParser
import BrickSite
import Foundation

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
