import BrickCore
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
        try bytes.withUnsafeBytes { try writeAll(fd, $0, path: path) }
    }

    /// Writes all of `buffer` to `fd`.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < buffer.count {
            let written = try posixCall("write", path: path) {
                Int32(truncatingIfNeeded: write(fd, buffer.baseAddress! + offset, min(buffer.count - offset, 1 << 30)))
            }
            offset += Int(written)
        }
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
        let parent = PathText.parent(of: path)
        if !parent.isEmpty, parent != path { try makeDirectories(parent) }
        try makeDirectory(path)
    }
}
