import BrickCore
import Glibc

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

/// A folder directory opened for reading, with its `cur/` and `new/` (nil when
/// missing), every one reached without following a link.
struct FolderHandles {
    /// The folder's directory.
    var folder: NoFollowDirectory
    /// Its `cur/`, nil when missing.
    var cur: NoFollowDirectory?
    /// Its `new/`, nil when missing.
    var new: NoFollowDirectory?

    /// Opens `cur/` and `new/` of `folder`; a symlink or file in their place throws.
    init(folder: NoFollowDirectory) throws {
        self.folder = folder
        cur = try folder.directory("cur")
        new = try folder.directory("new")
    }

    /// `cur/` or `new/`.
    func subdirectory(inNew: Bool) -> NoFollowDirectory? { inNew ? new : cur }
}

/// The message files of one folder directory, by key.
///
/// `new/` is read before `cur/`: Maildir moves files only from `new/` to `cur/`, so a
/// file moved during the listing is seen at least once. A key found in both (a copy
/// mid-move) keeps its `cur/` entry, where the flags are. Entries that cannot be
/// messages (symlinks, directories, FIFOs, sockets, devices, as `readdir` types them)
/// are left out and listed in `skipped`.
struct FolderListing: Sendable {
    /// The entries by key.
    var entries: [ItemKey: MessageFileEntry]
    /// Entries that are not message files, relative to the folder (`cur/NAME`).
    var skipped: [(name: String, reason: SkippedEntry.Reason)] = []

    /// Lists the folder's `new/` and `cur/`; missing subdirectories count as empty.
    static func read(_ handles: FolderHandles) throws -> FolderListing {
        var listing = FolderListing(entries: [:])
        for inNew in [true, false] {
            guard let directory = handles.subdirectory(inNew: inNew) else { continue }
            let names = try directory.entries(includeHidden: false)
            listing.entries.reserveCapacity(listing.entries.count + names.count)
            for entry in names {
                let relative = (inNew ? "new/" : "cur/") + entry.name
                if entry.isSymbolicLink {
                    listing.skipped.append((relative, .symbolicLink))
                    continue
                }
                if entry.isDirectory {
                    listing.skipped.append((relative, .notRegularFile(kind: "directory")))
                    continue
                }
                let parsed = MaildirFileName(parsing: entry.name)
                listing.entries[parsed.key] = MessageFileEntry(name: entry.name, inNew: inNew, parsed: parsed)
            }
        }
        return listing
    }
}
