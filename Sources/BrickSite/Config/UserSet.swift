import Foundation

/// The users of a group.
public enum UserSet: Sendable, Hashable, CustomStringConvertible {
    /// `users = ["alice", "bob"]`.
    case list([String])
    /// `users-file = "/etc/brick/staff"`: one user per line, `#` comments.
    case file(String)
    /// `users-regex = "^[a-m]"`: the discovered users whose whole name the pattern matches.
    case regex(String)
    /// `all-users = true`: every discovered user.
    case all

    /// True when the set is found by discovering the source's users.
    public var needsDiscovery: Bool {
        switch self {
        case .regex, .all: return true
        case .list, .file: return false
        }
    }

    /// The users of the set among `discovered` (regex, all) or as named (list, file).
    public func select(discovered: [String]) throws(UserSetError) -> [String] {
        switch self {
        case .list(let names): return names
        case .file(let path): return try UsersFile.read(path)
        case .all: return discovered
        case .regex(let pattern):
            let regex = try Self.compile(pattern)
            return discovered.filter { name in
                let range = NSRange(name.startIndex..., in: name)
                return regex.firstMatch(in: name, options: [.anchored], range: range)?.range == range
            }
        }
    }

    /// Compiles a `users-regex` (ICU syntax, as NSRegularExpression takes it).
    public static func compile(_ pattern: String) throws(UserSetError) -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern)
        } catch {
            throw .badRegex(pattern: pattern, reason: "\(error.localizedDescription)")
        }
    }

    /// How `config check` shows the set.
    public var description: String {
        switch self {
        case .list(let names): return "users = [" + names.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .file(let path): return "users-file = \"\(path)\""
        case .regex(let pattern): return "users-regex = \"\(pattern)\""
        case .all: return "all-users = true"
        }
    }
}

/// Why a group's users could not be listed.
public enum UserSetError: Error, Sendable, CustomStringConvertible {
    /// The users file could not be read.
    case unreadableFile(path: String, reason: String)
    /// The regular expression does not compile.
    case badRegex(pattern: String, reason: String)

    /// One line.
    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): return "cannot read users file \(path): \(reason)"
        case .badRegex(let pattern, let reason): return "users-regex '\(pattern)' does not compile: \(reason)"
        }
    }
}
