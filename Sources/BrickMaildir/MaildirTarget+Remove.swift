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
        try lock.withLock { try unlinkFiles(files, in: try folderDirectory(path)) }
    }

    private func unlinkFiles(_ files: [(sub: String, name: String)], in directory: String) throws {
        try POSIX.syncDirectory(directory + "/cur")
        var renamed: [ItemKey: String]?
        var changed: Set<String> = []
        for (sub, name) in files {
            if try unlinkIfPresent(directory + "/" + sub + "/" + name) {
                changed.insert(sub)
                continue
            }
            if renamed == nil { renamed = try currentNames(in: directory) }
            if let current = renamed?[MaildirFileName(parsing: name).key], try unlinkIfPresent(directory + "/" + current) {
                changed.insert(String(current.prefix(3)))
            }
        }
        for sub in changed.sorted() { try POSIX.syncDirectory(directory + "/" + sub) }
    }

    /// `(sub, name)` of a copy located as `cur/NAME` or `new/NAME`.
    static func messageFile(_ copy: ExistingCopy) -> (sub: String, name: String)? {
        let parts = copy.locator.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "cur" || parts[0] == "new",
            !parts[1].isEmpty, parts[1] != ".", parts[1] != ".."
        else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// Unlinks `file`; false when it does not exist.
    private func unlinkIfPresent(_ file: String) throws -> Bool {
        if unlink(file) == 0 { return true }
        if errno == ENOENT { return false }
        throw MaildirError.systemCall(function: "unlink", path: file, errno: errno)
    }

    /// `sub/NAME` of every message file in `new/` and `cur/`, by unique part.
    private func currentNames(in directory: String) throws -> [ItemKey: String] {
        var names: [ItemKey: String] = [:]
        for sub in ["new", "cur"] {
            for entry in try DirectoryReader.entries(of: directory + "/" + sub) ?? [] where !entry.isDirectory {
                names[MaildirFileName(parsing: entry.name).key] = sub + "/" + entry.name
            }
        }
        return names
    }
}
