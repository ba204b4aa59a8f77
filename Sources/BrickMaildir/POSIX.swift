import Foundation
import Glibc

/// Thin wrappers over the C calls the Maildir code needs. Every call goes through
/// `posixCall`, which retries `EINTR` and turns a failure into `MaildirError.systemCall`.
enum POSIX {
    /// Runs `body` until it does not fail with EINTR; throws with the function's name on failure.
    @discardableResult
    static func posixCall(_ function: String, path: String, _ body: () -> Int32) throws -> Int32 {
        while true {
            let result = body()
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            throw MaildirError.systemCall(function: function, path: path, errno: code)
        }
    }

    /// `stat` of `path`, or nil when it does not exist.
    static func status(_ path: String) throws -> Glibc.stat? {
        var info = Glibc.stat()
        while statFile(path, &info) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT || code == ENOTDIR { return nil }
            throw MaildirError.systemCall(function: "stat", path: path, errno: code)
        }
        return info
    }

    /// Opens `path` for reading, or nil when it (or a directory on the way) does not
    /// exist. `O_NONBLOCK`, which regular files ignore, keeps a FIFO left in a Maildir
    /// from hanging the run.
    static func openForReading(_ path: String) throws -> Int32? {
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
            if fd >= 0 { return fd }
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT || code == ENOTDIR { return nil }
            throw MaildirError.systemCall(function: "open", path: path, errno: code)
        }
    }

    /// True when `path` is a directory (following symlinks).
    static func isDirectory(_ path: String) -> Bool {
        guard let info = try? status(path) else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates a directory with mode 0700 unless it exists already.
    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o700) == 0 { return }
        let code = errno
        if code == EEXIST && isDirectory(path) { return }
        throw MaildirError.systemCall(function: "mkdir", path: path, errno: code)
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = try bytes.withUnsafeBytes { buffer in
                try posixCall("write", path: path) {
                    Int32(truncatingIfNeeded: write(fd, buffer.baseAddress! + offset, buffer.count - offset))
                }
            }
            offset += Int(written)
        }
    }

    /// Reads a whole small file, or nil when it does not exist.
    static func readSmallFile(_ path: String) throws -> [UInt8]? {
        guard let fd = try openForReading(path) else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = try chunk.withUnsafeMutableBytes { buffer in
                try posixCall("read", path: path) {
                    Int32(truncatingIfNeeded: read(fd, buffer.baseAddress!, buffer.count))
                }
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<Int(count)])
        }
    }

    /// Writes a small file atomically: a temporary file beside it, fsync, rename.
    static func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws {
        let temporary = path + ".tmp.\(getpid())"
        let fd = try posixCall("open", path: temporary) {
            open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        }
        do {
            try writeAll(fd, bytes, path: temporary)
            try posixCall("fsync", path: temporary) { fsync(fd) }
            close(fd)
            try posixCall("rename", path: path) { rename(temporary, path) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    /// Flushes a directory's entries to disk.
    static func syncDirectory(_ path: String) throws {
        let fd = try posixCall("open", path: path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        try posixCall("fsync", path: path) { fsync(fd) }
    }
}

extension timespec {
    /// Nanoseconds since 1970.
    var nanoseconds: Int64 { Int64(tv_sec) * 1_000_000_000 + Int64(tv_nsec) }

    /// The time as a `Date`.
    var date: Date { Date(timeIntervalSince1970: Double(tv_sec) + Double(tv_nsec) / 1e9) }

    /// The time of `date`, to the nearest nanosecond a `Double` can tell.
    init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        let seconds = interval.rounded(.down)
        self.init(tv_sec: Int(seconds), tv_nsec: min(999_999_999, Int(((interval - seconds) * 1e9).rounded())))
    }
}

/// `stat(2)`, named apart from the `stat` structure Swift imports with the same name.
@inline(__always)
func statFile(_ path: String, _ info: UnsafeMutablePointer<stat>) -> Int32 {
    stat(path, info)
}

extension POSIX {
    /// Creates `path` and its missing parents, each 0700.
    static func makeDirectories(_ path: String) throws {
        if isDirectory(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectories(parent) }
        try makeDirectory(path)
    }
}
