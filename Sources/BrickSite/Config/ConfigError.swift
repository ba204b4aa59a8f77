/// Why a configuration could not be used.
public enum ConfigError: Error, Sendable, CustomStringConvertible {
    /// A file named with `--config` or `$BRICK_CONFIG` does not exist.
    case notFound(path: String, namedBy: String)
    /// The file exists but cannot be read.
    case unreadable(path: String, reason: String)
    /// The file was read; these are the problems found in it, one per line.
    case invalid([ConfigProblem])

    /// One line per problem.
    public var description: String {
        switch self {
        case .notFound(let path, let namedBy): return "configuration file \(path) (from \(namedBy)) does not exist"
        case .unreadable(let path, let reason): return "cannot read configuration file \(path): \(reason)"
        case .invalid(let problems): return problems.map(\.description).joined(separator: "\n")
        }
    }

    /// The problems as a list (one for a file that could not be read).
    public var problems: [ConfigProblem] {
        switch self {
        case .invalid(let problems): return problems
        case .notFound(let path, _), .unreadable(let path, _): return [ConfigProblem(file: path, line: 0, key: "", message: description)]
        }
    }
}
