import BrickCore
import Foundation

/// Reads message files of one folder, finding a file again after a rename.
struct LiveFileReader {
    let handles: FolderHandles
    let maximumSize: Int64
    /// A listing made after a file went missing, reused while it still helps.
    private var refreshed: FolderListing?

    init(handles: FolderHandles, maximumSize: Int64) {
        self.handles = handles
        self.maximumSize = maximumSize
    }

    /// What reading one entry gave.
    enum Result {
        /// The message, under the entry it was found as.
        case read(entry: MessageFileEntry, bytes: [UInt8], modified: Date)
        /// A large message, opened for the store to read piece by piece.
        case stream(entry: MessageFileEntry, stream: MessageFileStream, modified: Date)
        /// Gone, or changed while read: try again next run.
        case notRead
        /// Not read on purpose (see `MessageFileReader`).
        case skipped(SkippedEntry.Reason)
    }

    /// Reads `entry`; when its name is gone, looks the key up in a fresh listing of
    /// `new/` and `cur/` once.
    mutating func read(_ entry: MessageFileEntry) throws -> Result {
        switch try readFile(entry) {
        case .read(let bytes, let modified): return .read(entry: entry, bytes: bytes, modified: modified)
        case .stream(let stream, let modified): return .stream(entry: entry, stream: stream, modified: modified)
        case .unstable: return .notRead
        case .skipped(let reason): return .skipped(reason)
        case .missing: break
        }
        let key = entry.parsed.key
        var moved = refreshed?.entries[key]
        if moved == nil || moved?.relativePath == entry.relativePath {
            refreshed = try FolderListing.read(handles)
            moved = refreshed?.entries[key]
        }
        guard let moved, moved.relativePath != entry.relativePath else { return .notRead }
        switch try readFile(moved) {
        case .read(let bytes, let modified): return .read(entry: moved, bytes: bytes, modified: modified)
        case .stream(let stream, let modified): return .stream(entry: moved, stream: stream, modified: modified)
        case .skipped(let reason): return .skipped(reason)
        case .missing, .unstable: return .notRead
        }
    }

    private func readFile(_ entry: MessageFileEntry) throws -> MessageFileReader.Outcome {
        guard let directory = handles.subdirectory(inNew: entry.inNew) else { return .missing }
        return try MessageFileReader.read(
            entry.name, in: directory, maximumSize: maximumSize, streamAbove: Int64(StreamedItem.threshold))
    }
}
