import BrickCore
import Foundation
import Glibc

/// Reads one message file of a live Maildir, where files are renamed (flag changes,
/// `new/` to `cur/`) and, by broken writers, changed while Brick reads them.
enum MessageFileReader {
    /// What reading a file gave.
    enum Outcome {
        /// The whole file, and its mtime (the internal date).
        case read(bytes: [UInt8], modified: Date)
        /// The file is not there under this name any more.
        case missing
        /// The file changed while being read: skip it this run.
        case unstable
        /// Not read on purpose (a symlink, FIFO, socket or device, or too large).
        case skipped(SkippedEntry.Reason)
        /// Larger than the streaming size: the opened file, read piece by piece by
        /// its consumer, and its mtime.
        case stream(MessageFileStream, modified: Date)
    }

    /// The default largest message read: 2 GiB.
    static let defaultMaximumSize: Int64 = 2 << 30

    /// Reads `name` in `directory` whole, never following a link nor opening anything
    /// but a regular file, and only when it is at most `maximumSize` bytes (checked
    /// with `fstat` before anything is allocated, so a sparse 1 TB file costs
    /// nothing); checks that its size and mtime did not change underneath.
    /// A file larger than `streamAbove` is not read here: it comes back opened, as a
    /// stream (`StreamedItem`).
    static func read(
        _ name: String, in directory: NoFollowDirectory, maximumSize: Int64 = defaultMaximumSize, streamAbove: Int64 = .max
    ) throws -> Outcome {
        let path = directory.child(name)
        let fd: Int32
        do {
            guard let opened = try directory.openFile(name) else { return .missing }
            fd = opened
        } catch MaildirError.symbolicLink {
            return .skipped(.symbolicLink)
        } catch MaildirError.notARegularFile(_, let kind) {
            return .skipped(.notRegularFile(kind: kind))
        }
        var keepOpen = false
        defer { if !keepOpen { close(fd) } }
        var before = stat()
        try POSIX.posixCall("fstat", path: path) { fstat(fd, &before) }
        guard Int64(before.st_size) <= maximumSize else {
            return .skipped(.tooLarge(bytes: Int64(before.st_size), limit: maximumSize))
        }
        if Int64(before.st_size) > streamAbove {
            keepOpen = true
            return .stream(MessageFileStream(fd: fd, path: path, opened: before), modified: before.st_mtim.date)
        }
        let size = Int(before.st_size)
        var filled = 0
        let bytes = try [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, initialized in
            while filled < buffer.count {
                let count = try POSIX.posixCall("read", path: path) {
                    Int32(truncatingIfNeeded: Glibc.read(fd, buffer.baseAddress! + filled, min(buffer.count - filled, 1 << 30)))
                }
                if count == 0 { break }
                filled += Int(count)
            }
            initialized = filled
        }
        var after = stat()
        try POSIX.posixCall("fstat", path: path) { fstat(fd, &after) }
        guard filled == size, after.st_size == before.st_size,
              after.st_mtim.nanoseconds == before.st_mtim.nanoseconds
        else { return .unstable }
        return .read(bytes: bytes, modified: before.st_mtim.date)
    }
}
