/// One thing wrong in a configuration file, located by file, line and key, e.g.
/// `/etc/brick/brick.toml:12: groups.staff.workers: must be between 1 and 64 (is 100)`.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    /// The configuration file.
    public var file: String
    /// The 1-based line of the key (or of its table), 0 when not known.
    public var line: Int
    /// The dotted key, e.g. `sources.imap.password-file`; empty for the file as a whole.
    public var key: String
    /// What is wrong.
    public var message: String

    /// Creates a problem.
    public init(file: String, line: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `FILE:LINE: KEY: message` (LINE and KEY left out when unknown).
    public var description: String {
        var text = file
        if line > 0 { text += ":\(line)" }
        if !key.isEmpty { text += ": \(key)" }
        return text + ": " + message
    }
}
