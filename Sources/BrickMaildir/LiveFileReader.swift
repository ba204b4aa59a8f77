import BrickCore
import Foundation

/// Reads message files of one folder, finding a file again after a rename.
struct LiveFileReader {
    let directory: String
    /// A listing made after a file went missing, reused while it still helps.
    private var refreshed: FolderListing?

    init(directory: String) { self.directory = directory }

    /// Reads `entry`; when its name is gone, looks the key up in a fresh listing of
    /// `new/` and `cur/` once. Nil when the file is gone or changed while read.
    mutating func read(_ entry: MessageFileEntry) throws -> (entry: MessageFileEntry, bytes: [UInt8], modified: Date)? {
        switch try MessageFileReader.read(directory + "/" + entry.relativePath) {
        case .read(let bytes, let modified): return (entry, bytes, modified)
        case .unstable: return nil
        case .missing: break
        }
        let key = entry.parsed.key
        var moved = refreshed?.entries[key]
        if moved == nil || moved?.relativePath == entry.relativePath {
            refreshed = try FolderListing.read(directory)
            moved = refreshed?.entries[key]
        }
        guard let moved, moved.relativePath != entry.relativePath else { return nil }
        if case .read(let bytes, let modified) = try MessageFileReader.read(directory + "/" + moved.relativePath) {
            return (moved, bytes, modified)
        }
        return nil
    }
}
