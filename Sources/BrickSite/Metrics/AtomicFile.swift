import Foundation

/// Replaces a file's contents so that a reader sees the old file or the new one, never
/// a part: written to a temporary file in the same directory, synced, renamed over the
/// old one, and the directory synced.
public enum AtomicFile {
    /// Writes `data` to `path` atomically with `mode` permissions.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws(AtomicFileError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw .failed(path: temporary, operation: "open", errno: errno) }
        var failure: AtomicFileError?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = .failed(path: temporary, operation: "write", errno: errno)
                    return
                }
                offset += written
            }
        }
        if failure == nil && fchmod(fd, mode) != 0 { failure = .failed(path: temporary, operation: "fchmod", errno: errno) }
        if failure == nil && fsync(fd) != 0 { failure = .failed(path: temporary, operation: "fsync", errno: errno) }
        close(fd)
        if failure == nil && rename(temporary, path) != 0 { failure = .failed(path: path, operation: "rename", errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}

/// A file that could not be replaced.
public enum AtomicFileError: Error, Sendable, CustomStringConvertible {
    /// A system call failed.
    case failed(path: String, operation: String, errno: Int32)

    /// One line.
    public var description: String {
        switch self {
        case .failed(let path, let operation, let code): return "cannot write \(path): \(operation): \(String(cString: strerror(code)))"
        }
    }
}
