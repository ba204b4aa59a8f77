import BrickCore
import Foundation
import Glibc

/// A message file opened (without following a link) and read piece by piece by the
/// store, for a message too large to hold in memory. It owns the descriptor and closes
/// it when released. Reading at the end checks that the file's size and mtime are
/// those it was opened with, so a file changed underneath is never stored as if whole.
public final class MessageFileStream: MessageByteStream, @unchecked Sendable {
    public let size: UInt64
    private let fd: Int32
    private let path: String
    private let opened: stat
    private let lock = NSLock()
    private var offset: Int64 = 0

    init(fd: Int32, path: String, opened: stat) {
        self.fd = fd
        self.path = path
        self.opened = opened
        size = UInt64(opened.st_size)
    }

    /// Opens the regular file `name` in `directory` without following a link; nil
    /// when it is not there.
    public static func open(_ name: String, in directory: NoFollowDirectory) throws -> MessageFileStream? {
        guard let fd = try directory.openFile(name) else { return nil }
        var info = stat()
        do {
            try POSIX.posixCall("fstat", path: directory.child(name)) { fstat(fd, &info) }
        } catch {
            close(fd)
            throw error
        }
        return MessageFileStream(fd: fd, path: directory.child(name), opened: info)
    }

    /// Takes over `fd`, a regular file opened for reading at `path`; closes it on failure.
    public convenience init(adopting fd: Int32, path: String) throws {
        var info = stat()
        do {
            try POSIX.posixCall("fstat", path: path) { fstat(fd, &info) }
        } catch {
            close(fd)
            throw error
        }
        self.init(fd: fd, path: path, opened: info)
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try lock.withLock {
            let wanted = min(buffer.count, Int(clamping: Int64(size) - offset), 1 << 30)
            guard wanted > 0 else {
                try checkUnchanged()
                return 0
            }
            let count = try POSIX.posixCall("read", path: path) {
                Int32(truncatingIfNeeded: pread(fd, buffer.baseAddress, wanted, off_t(offset)))
            }
            guard count > 0 else { throw MaildirError.changedWhileRead(path: path) }
            offset += Int64(count)
            return Int(count)
        }
    }

    public func rewind() throws {
        lock.withLock { offset = 0 }
    }

    private func checkUnchanged() throws {
        var now = stat()
        try POSIX.posixCall("fstat", path: path) { fstat(fd, &now) }
        guard now.st_size == opened.st_size, now.st_mtim.nanoseconds == opened.st_mtim.nanoseconds else {
            throw MaildirError.changedWhileRead(path: path)
        }
    }
}
