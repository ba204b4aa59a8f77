import Foundation

/// `[groups.NAME]`: a set of users backed up together from one source, with its own
/// folder selection, workers and retention (Oracle imsbackup's "backup groups").
public struct GroupConfig: Sendable, Hashable {
    /// The name `--group` takes.
    public var name: String
    /// `source`: the name of a `[sources.NAME]`.
    public var source: String
    /// Which users: `users`, `users-file`, `users-regex` or `all-users` (exactly one).
    public var users: UserSet
    /// `folders`: back up only these folders (with `recursive`, their subfolders).
    public var folders: [String] = []
    /// `recursive`: with `folders`, include subfolders.
    public var recursive: Bool?
    /// `exclude`: folder globs left out with their subfolders.
    public var exclude: [String] = []
    /// `skip-junk`.
    public var skipJunk: Bool?
    /// `skip-trash`.
    public var skipTrash: Bool?
    /// `workers`: users backed up in parallel.
    public var workers: Int?
    /// `user-timeout`: seconds one user may take (0: no limit).
    public var userTimeout: Double?
    /// `older-than`: this group's retention for `purge`, in days.
    public var olderThan: Int?

    /// Creates a group.
    public init(name: String, source: String, users: UserSet) {
        self.name = name
        self.source = source
        self.users = users
    }
}

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

/// A file of user names: one a line, `#` starts a comment, blank lines ignored.
public enum UsersFile {
    /// The names in the file, without duplicates, in order.
    public static func read(_ path: String) throws(UserSetError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: String(cString: strerror(access(path, R_OK) == 0 ? EISDIR : errno)))
        }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// The names in `text`.
    public static func parse(_ text: String) -> [String] {
        var seen = Set<String>()
        return text.split(whereSeparator: \.isNewline)
            .map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "" }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
