import BrickCore

/// One message file found in a folder.
struct MessageFileEntry: Sendable {
    /// The file's name.
    var name: String
    /// True for a file in `new/`, false for `cur/`.
    var inNew: Bool
    /// The name's key and flag letters.
    var parsed: MaildirFileName

    /// The file's path relative to the folder directory.
    var relativePath: String { (inNew ? "new/" : "cur/") + name }
}

/// The message files of one folder directory, by key.
///
/// `new/` is read before `cur/`: Maildir moves files only from `new/` to `cur/`, so a
/// file moved during the listing is seen at least once. A key found in both (a copy
/// mid-move) keeps its `cur/` entry, where the flags are.
struct FolderListing: Sendable {
    /// The entries by key.
    var entries: [ItemKey: MessageFileEntry]

    /// Lists `directory`'s `new/` and `cur/`; missing subdirectories count as empty.
    static func read(_ directory: String) throws -> FolderListing {
        var entries: [ItemKey: MessageFileEntry] = [:]
        for inNew in [true, false] {
            let names = try DirectoryReader.entries(of: directory + (inNew ? "/new" : "/cur")) ?? []
            entries.reserveCapacity(entries.count + names.count)
            for entry in names where !entry.isDirectory {
                let parsed = MaildirFileName(parsing: entry.name)
                entries[parsed.key] = MessageFileEntry(name: entry.name, inNew: inNew, parsed: parsed)
            }
        }
        return FolderListing(entries: entries)
    }
}
