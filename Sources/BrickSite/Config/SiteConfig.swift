/// A site's configuration as read from `brick.toml`: top-level settings, named sources,
/// named backup groups and named export targets. Every value is optional: what the file
/// leaves out falls back to the flags' defaults, and a flag given on the command line
/// wins over the file.
public struct SiteConfig: Sendable {
    /// The file it was read from; nil when there was none (flags only).
    public var file: String?
    /// `store`: the store root.
    public var store: String?
    /// `umask`: the file-creation mask (default 0077).
    public var umask: UInt32?
    /// `older-than`: default retention of `purge`, in days.
    public var olderThan: Int?
    /// `metrics-file`: where the Prometheus text file goes after each run.
    public var metricsFile: String?
    /// `metrics-per-user`: add per-user series (off by default).
    public var metricsPerUser: Bool?
    /// `log-format`: `text` or `json`.
    public var logFormat: LogFormat?
    /// `log-level`: trace … critical.
    public var logLevel: String?
    /// `[sources.NAME]`, in the file's order.
    public var sources: [SourceConfig] = []
    /// `[groups.NAME]`, in the file's order.
    public var groups: [GroupConfig] = []
    /// `[targets.NAME]`: off-site export targets, in the file's order.
    public var targets: [TargetConfig] = []
    /// Where each key is, for messages about values found wrong later.
    public var locator = KeyLocator(text: "")

    /// A configuration with nothing in it (no file).
    public init() {}

    /// The source called `name`.
    public func source(named name: String) -> SourceConfig? { sources.first { $0.name == name } }

    /// The group called `name`.
    public func group(named name: String) -> GroupConfig? { groups.first { $0.name == name } }

    /// The export target called `name`.
    public func target(named name: String) -> TargetConfig? { targets.first { $0.name == name } }

    /// A problem about `key`, located in this file.
    public func problem(_ key: String, _ message: String) -> ConfigProblem {
        ConfigProblem(file: file ?? "", line: locator.line(of: key), key: key, message: message)
    }

    /// True when some source names a password file or variable.
    public var namesSecret: Bool { sources.contains { $0.passwordFile != nil || $0.passwordEnv != nil } }
}

/// How log lines are written: `text` (one readable line) or `json` (one object a line).
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}
