import TOMLKit

/// Reading a `[groups.NAME]` table, each wrong value one located problem.
extension GroupConfig {
    static func read(name: String, _ reader: inout TableReader, _ found: inout [(String, String)]) -> GroupConfig? {
        let source = reader.string("source", &found)
        if reader.value("source") == nil { found.append((reader.keyPath("source"), "missing: the name of a [sources.NAME]")) }
        var sets: [UserSet] = []
        if let names = reader.strings("users", &found) { sets.append(.list(names)) }
        if let file = reader.string("users-file", &found) { sets.append(.file(file)) }
        if let pattern = reader.string("users-regex", &found) {
            sets.append(.regex(pattern))
            do { _ = try UserSet.compile(pattern) } catch { found.append((reader.keyPath("users-regex"), "\(error)")) }
        }
        if let all = reader.bool("all-users", &found), all { sets.append(.all) }
        if sets.count != 1 {
            found.append((reader.path, sets.isEmpty
                ? "no users: give users, users-file, users-regex or all-users = true"
                : "give only one of users, users-file, users-regex and all-users"))
        }
        var group = GroupConfig(name: name, source: source ?? "", users: sets.first ?? .list([]))
        group.folders = reader.strings("folders", &found) ?? []
        group.recursive = reader.bool("recursive", &found)
        group.exclude = reader.strings("exclude", &found) ?? []
        group.skipJunk = reader.bool("skip-junk", &found)
        group.skipTrash = reader.bool("skip-trash", &found)
        group.workers = reader.int("workers", &found)
        if let workers = group.workers, !(1...64).contains(workers) {
            found.append((reader.keyPath("workers"), "must be between 1 and 64 (is \(workers))"))
        }
        group.userTimeout = reader.number("user-timeout", &found)
        if let timeout = group.userTimeout, timeout < 0 { found.append((reader.keyPath("user-timeout"), "must be 0 or a number of seconds")) }
        group.olderThan = reader.int("older-than", &found)
        if let days = group.olderThan, days < 0 { found.append((reader.keyPath("older-than"), "must be 0 or more days (is \(days))")) }
        return source == nil || sets.count != 1 ? nil : group
    }
}
