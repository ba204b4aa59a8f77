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
    /// `[targets.NAME]`: off-site export targets, used once export exists.
    public var targets: [TargetConfig] = []
    /// Where each key is, for messages about values found wrong later.
    public var locator = KeyLocator(text: "")

    /// A configuration with nothing in it (no file).
    public init() {}

    /// The source called `name`.
    public func source(named name: String) -> SourceConfig? { sources.first { $0.name == name } }

    /// The group called `name`.
    public func group(named name: String) -> GroupConfig? { groups.first { $0.name == name } }

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

/// `[sources.NAME]`: where users' mail is read from, as `--source` and the IMAP flags say it.
public struct SourceConfig: Sendable, Hashable {
    /// The name the groups refer to.
    public var name: String
    /// `url`: `maildir:PATH` (PATH with `{user}`), `imap://HOST[:PORT]` or `imaps://HOST[:PORT]`.
    public var url: String
    /// `tls`: `starttls` or `never` (imap:// only).
    public var tls: String?
    /// `ca-file`: PEM CA certificates to trust.
    public var caFile: String?
    /// `insecure`: do not verify the certificate (tests only).
    public var insecure: Bool?
    /// `admin-user`: the admin or master user that acts as each user.
    public var adminUser: String?
    /// `password-file`: file whose first line is the password (mode 0600).
    public var passwordFile: String?
    /// `password-env`: environment variable holding the password.
    public var passwordEnv: String?
    /// `auth`: `auto`, `plain` or `login`.
    public var auth: String?
    /// `timeout`: seconds to wait for the server.
    public var timeout: Double?
    /// `max-message-size`: Maildir messages above this are skipped (`2G`).
    public var maxMessageSize: Int64?

    /// Creates a source with a URL.
    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }

    /// True for IMAP and IMAPS sources.
    public var isIMAP: Bool { url.hasPrefix("imap://") || url.hasPrefix("imaps://") }
}

/// `[targets.NAME]`: an off-site export target (read and checked now; used once
/// `brick-backup export --target NAME` exists).
public struct TargetConfig: Sendable, Hashable {
    /// The name `export --target` takes.
    public var name: String
    /// `to`: the directory bundles are written to.
    public var to: String

    /// Creates a target.
    public init(name: String, to: String) {
        self.name = name
        self.to = to
    }
}
