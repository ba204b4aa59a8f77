import BrickCore
import Foundation

/// Which upstream folders a backup takes: `--folder` (with `--recursive`), `--exclude`
/// globs, `--skip-junk`, `--skip-trash`.
public struct FolderSelection: Sendable {
    /// Folders to take; empty means all.
    public var folders: [FolderPath] = []
    /// Whether `folders` includes their subfolders.
    public var recursive = false
    /// Glob patterns (`*`, `?`) on the folder's path text or its last name; a match
    /// excludes the folder and its subfolders.
    public var excludes: [String] = []
    /// Leave out folders whose special use is `\Junk`.
    public var skipJunk = false
    /// Leave out folders whose special use is `\Trash`.
    public var skipTrash = false

    /// Selects everything.
    public init() {}

    /// True when `folder` is to be backed up.
    public func includes(_ folder: SourceFolder) -> Bool {
        if skipJunk && folder.specialUse == .junk { return false }
        if skipTrash && folder.specialUse == .trash { return false }
        if !folders.isEmpty {
            let chosen = folders.contains { recursive ? folder.path.isWithin($0) : folder.path == $0 }
            if !chosen { return false }
        }
        for pattern in excludes {
            for depth in 1...max(1, folder.path.depth) {
                let prefix = FolderPath(Array(folder.path.components.prefix(depth)))
                if Glob.matches(pattern, prefix.description) || Glob.matches(pattern, prefix.name) { return false }
            }
        }
        return true
    }
}

/// Shell-style glob matching with `*` and `?`, case-insensitive (folder names such as
/// "Trash" and "trash" are the same folder to an administrator).
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.lowercased())
        let t = Array(text.lowercased())
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1; ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
