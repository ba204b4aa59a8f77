import BrickSite
import BrickStore
import Foundation

/// The user stores a reporting command (`runs`, `status`) looks at: one store
/// directory, a configured group's users that have a store, or every store.
enum SiteUsers {
    /// `(user, store directory)` pairs, sorted by user.
    static func stores(directory: String?, group: String?, root: URL, config: SiteConfig) throws -> [(String, URL)] {
        if let directory {
            let url = URL(fileURLWithPath: directory)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("catalog.sqlite").path) else {
                throw UsageError("\(directory) is not a Brick user store (no catalog.sqlite in it)")
            }
            return [(url.lastPathComponent, url)]
        }
        var users = StoreRootOptions.existingUsers(under: root)
        if let group {
            guard let configured = config.group(named: group) else {
                throw UsageError("--group \(group): no [groups.\(group)] in \(config.file ?? "the configuration (no file was read)")")
            }
            do {
                let selected = Set(try configured.users.select(discovered: users))
                users = users.filter(selected.contains)
            } catch {
                throw UsageError("group \(group): \(error)")
            }
        }
        return users.map { ($0, root.appendingPathComponent($0)) }
    }

    /// The runs of the store in `directory`, oldest first.
    static func runs(_ directory: URL) throws -> [RunRecord] {
        try UserStore(layout: StoreLayout(userDirectory: directory), mode: .readOnly).runs()
    }
}
