import BrickCore
import Glibc

extension MaildirTarget {
    /// Unlinks the listed message files of `path`. `cur/` is synced first, so what
    /// was appended is durable before anything goes; a file already gone is skipped.
    public func remove(_ copies: [ExistingCopy], from path: FolderPath) async throws {
        guard !copies.isEmpty else { return }
        let files = try copies.map { copy in
            guard let file = MaildirTarget.messageFile(copy) else {
                throw MaildirError.unknownCopy(folder: path, locator: copy.locator)
            }
            return file
        }
        try lock.withLock {
            guard let folder = try openFolder(path, create: false) else { return }
            try unlinkFiles(files, in: folder)
        }
    }

    private func unlinkFiles(_ files: [(sub: String, name: String)], in folder: TargetFolder) throws {
        try folder.cur.sync()
        var renamed: [ItemKey: (sub: String, name: String)]?
        var changed: Set<String> = []
        let directories = ["cur": folder.cur, "new": folder.new]
        for (sub, name) in files {
            if try directories[sub]!.removeFile(name) {
                changed.insert(sub)
                continue
            }
            if renamed == nil { renamed = try currentNames(in: folder) }
            if let current = renamed?[MaildirFileName(parsing: name).key], try directories[current.sub]!.removeFile(current.name) {
                changed.insert(current.sub)
            }
        }
        for sub in changed.sorted() { try directories[sub]!.sync() }
    }

    /// `(sub, name)` of a copy located as `cur/NAME` or `new/NAME`.
    static func messageFile(_ copy: ExistingCopy) -> (sub: String, name: String)? {
        let parts = copy.locator.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "cur" || parts[0] == "new",
            !parts[1].isEmpty, parts[1] != ".", parts[1] != ".."
        else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// `(sub, NAME)` of every message file in `new/` and `cur/`, by unique part.
    private func currentNames(in folder: TargetFolder) throws -> [ItemKey: (sub: String, name: String)] {
        var names: [ItemKey: (sub: String, name: String)] = [:]
        for (sub, directory) in [("new", folder.new), ("cur", folder.cur)] {
            for entry in try directory.entries(includeHidden: false) where !entry.isDirectory {
                names[MaildirFileName(parsing: entry.name).key] = (sub, entry.name)
            }
        }
        return names
    }
}
