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
        /// The file changed while being read, or is not a regular file: skip it this run.
        case unstable
    }

    /// Reads `path` whole, checking with `fstat` before and after that its size and
    /// mtime did not change underneath.
    static func read(_ path: String) throws -> Outcome {
        guard let fd = try POSIX.openForReading(path) else { return .missing }
        defer { close(fd) }
        var before = stat()
        try POSIX.posixCall("fstat", path: path) { fstat(fd, &before) }
        guard (before.st_mode & S_IFMT) == S_IFREG else { return .unstable }
        let size = Int(before.st_size)
        var filled = 0
        let bytes = try [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, initialized in
            while filled < buffer.count {
                let count = try POSIX.posixCall("read", path: path) {
                    Int32(truncatingIfNeeded: Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled))
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
