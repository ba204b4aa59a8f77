import Foundation

/// Where a user's store keeps its files (docs/FORMAT.md §1 "Layout").
///
/// ```
/// <root>/<user>/catalog.sqlite   the catalog
/// <root>/<user>/env/             Berkeley DB environment (logs, regions)
/// <root>/<user>/lock             writer lock (flock), holds the writer's pid
/// <root>/<user>/folders/<id>/    one directory per folder, nested like the mailbox
///     path                       the folder's path, text
///     items.db                   Berkeley DB btree of the folder's items
/// ```
public struct StoreLayout: Sendable {
    /// The user's store directory.
    public let userDirectory: URL

    /// The layout of the store in `userDirectory`.
    public init(userDirectory: URL) {
        self.userDirectory = userDirectory.standardizedFileURL
    }

    /// The layout for `user` under `root`, refusing names that could leave `root`.
    public init(root: URL, user: String) throws(StoreError) {
        try StoreLayout.validate(userName: user)
        self.init(userDirectory: root.appendingPathComponent(user, isDirectory: true))
    }

    /// Checks that a user name can safely name a directory and a line of a report:
    /// no '/', no control character (a newline would forge lines in logs and
    /// summaries, and name folders in the store), at most 255 bytes.
    public static func validate(userName: String) throws(StoreError) {
        if userName.isEmpty || userName == "." || userName == ".." || userName.contains("/")
            || userName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) || userName.utf8.count > 255
        {
            throw .invalidUserName(userName)
        }
    }

    /// The catalog database file.
    public var catalog: URL { userDirectory.appendingPathComponent("catalog.sqlite") }
    /// The Berkeley DB environment home.
    public var environment: URL { userDirectory.appendingPathComponent("env", isDirectory: true) }
    /// The writer lock file.
    public var lock: URL { userDirectory.appendingPathComponent("lock") }

    /// The relative directory of a top-level folder with this id (`folders/<id>`), or of
    /// a child under its parent's relative directory (`<parent>/folders/<id>`).
    public static func folderDirectory(id: Int64, parentDirectory: String?) -> String {
        (parentDirectory.map { $0 + "/" } ?? "") + "folders/\(id)"
    }

    /// True when `directory` has the only form `folderDirectory` gives (`folders/<id>`,
    /// nested as `…/folders/<id>`, each id a plain decimal) and ends in `id`'s: a
    /// directory read from a bundle must never lead outside the user directory.
    public static func isFolderDirectory(_ directory: String, of id: Int64) -> Bool {
        let steps = directory.split(separator: "/", omittingEmptySubsequences: false)
        guard steps.count >= 2, steps.count.isMultiple(of: 2) else { return false }
        for index in stride(from: 0, to: steps.count, by: 2) {
            guard steps[index] == "folders", let number = Int64(steps[index + 1]), String(number) == steps[index + 1] else {
                return false
            }
        }
        return steps.last == Substring(String(id))
    }

    /// The Berkeley DB file of a folder, relative to the user directory (and to the
    /// environment's data directory).
    public static func itemsFile(folderDirectory: String) -> String { folderDirectory + "/items.db" }

    /// Absolute URL of a path relative to the user directory.
    public func url(_ relative: String) -> URL { userDirectory.appendingPathComponent(relative) }
}
