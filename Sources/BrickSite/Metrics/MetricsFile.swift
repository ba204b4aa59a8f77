import Foundation

/// The Prometheus text file (exposition format 0.0.4) that node_exporter's textfile
/// collector reads. Each run replaces the series of its own kind, group and shard and
/// keeps the others, so a nightly backup, a weekly purge and groups run on different days share
/// one file; `…_last_success_timestamp_seconds` keeps its old value when a run fails.
/// The file is replaced atomically (temporary file, fsync, rename).
public enum MetricsFile {
    /// Writes `runs` into the file at `path`, merged with what it already holds.
    public static func update(path: String, runs: [RunMetrics], perUser: Bool) throws(AtomicFileError) {
        let previous = (try? String(contentsOfFile: path, encoding: .utf8)).map(MetricSample.parseAll) ?? []
        var samples = previous
        for run in runs {
            let ofRun = { (sample: MetricSample) in
                sample.kind == run.kind && sample.labels["group"] == run.group && sample.labels["shard"] == run.shard
            }
            let keptSuccess = samples.filter { ofRun($0) && $0.name.hasSuffix("last_success_timestamp_seconds") }
            samples.removeAll(where: ofRun)
            samples += newSamples(run, perUser: perUser, previousSuccess: keptSuccess)
        }
        try AtomicFile.write(Data(render(samples).utf8), to: path)
    }

    private static func newSamples(_ run: RunMetrics, perUser: Bool, previousSuccess: [MetricSample]) -> [MetricSample] {
        let prefix = "brick_\(run.kind.rawValue)_"
        var group = ["group": run.group]
        if let shard = run.shard { group["shard"] = shard }
        let end = run.finished.timeIntervalSince1970.rounded()
        var samples = [
            MetricSample(name: prefix + "last_run_timestamp_seconds", labels: group, value: end),
            MetricSample(name: prefix + "last_run_duration_seconds", labels: group, value: (run.duration * 1000).rounded() / 1000),
            MetricSample(name: prefix + "last_run_users", labels: group.merging(["status": "ok"]) { $1 }, value: Double(run.usersSucceeded)),
            MetricSample(name: prefix + "last_run_users", labels: group.merging(["status": "failed"]) { $1 }, value: Double(run.usersFailed)),
            MetricSample(name: prefix + run.kind.itemsName, labels: group, value: Double(run.items)),
            MetricSample(name: prefix + run.kind.bytesName, labels: group, value: Double(run.bytes)),
        ]
        if run.succeeded {
            samples.append(MetricSample(name: prefix + "last_success_timestamp_seconds", labels: group, value: end))
        } else {
            samples += previousSuccess.filter { $0.labels["user"] == nil }
        }
        if perUser {
            for user in run.users {
                let labels = group.merging(["user": user.user]) { $1 }
                samples.append(MetricSample(name: prefix + "user_last_run_success", labels: labels, value: user.succeeded ? 1 : 0))
                if user.succeeded {
                    samples.append(MetricSample(name: prefix + "user_last_success_timestamp_seconds", labels: labels, value: end))
                }
            }
            let users = Set(run.users.filter { !$0.succeeded }.map(\.user))
            samples += previousSuccess.filter { $0.labels["user"].map(users.contains) ?? false }
        }
        return samples
    }

    /// The exposition text: each family's HELP and TYPE, then its series, sorted.
    public static func render(_ samples: [MetricSample]) -> String {
        var text = ""
        for family in MetricFamily.all {
            let series = samples.filter { $0.name == family.name }.sorted { $0.labelText < $1.labelText }
            guard !series.isEmpty else { continue }
            text += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) gauge\n"
            for sample in series { text += sample.line + "\n" }
        }
        return text
    }
}

/// The metric families Brick writes, with their help text.
struct MetricFamily {
    var name: String
    var help: String

    static let all: [MetricFamily] = RunMetrics.Kind.allCases.flatMap { kind -> [MetricFamily] in
        let prefix = "brick_\(kind.rawValue)_"
        let run = kind.rawValue
        return [
            MetricFamily(name: prefix + "last_success_timestamp_seconds", help: "Unix time at the end of the group's last \(run) run in which every user succeeded."),
            MetricFamily(name: prefix + "last_run_timestamp_seconds", help: "Unix time at the end of the group's last \(run) run."),
            MetricFamily(name: prefix + "last_run_duration_seconds", help: "Wall time of the group's last \(run) run in seconds."),
            MetricFamily(name: prefix + "last_run_users", help: "Users of the group's last \(run) run, by status (ok or failed)."),
            MetricFamily(name: prefix + kind.itemsName, help: kind.itemsHelp),
            MetricFamily(name: prefix + kind.bytesName, help: kind.bytesHelp),
            MetricFamily(name: prefix + "user_last_run_success", help: "1 when the user's last \(run) run had no error, else 0 (with --metrics-per-user)."),
            MetricFamily(name: prefix + "user_last_success_timestamp_seconds", help: "Unix time at the end of the user's last \(run) run without an error (with --metrics-per-user)."),
        ]
    }
}

extension RunMetrics.Kind {
    /// The help text of the items count.
    var itemsHelp: String {
        switch self {
        case .backup: "Items added to the stores by the group's last backup run."
        case .purge: "Items purged from the stores by the group's last purge run."
        case .export: "Bundles written by the group's last export run."
        case .audit: "Messages upstream missing from the stores, found by the group's last audit."
        }
    }

    /// The help text of the bytes count.
    var bytesHelp: String {
        switch self {
        case .backup: "Raw bytes of the items added by the group's last backup run."
        case .purge: "Raw bytes of the items purged by the group's last purge run."
        case .export: "Bytes of the bundles written by the group's last export run."
        case .audit: "Sampled messages whose stored bytes differ from upstream, found by the group's last audit."
        }
    }
}
