import BrickCore
import Foundation
import Glibc

/// A message file opened (without following a link) and read piece by piece by the
/// store, for a message too large to hold in memory. It owns the descriptor and closes
/// it when released. Reading at the end checks that the file's size and mtime are
/// those it was opened with, so a file changed underneath is never stored as if whole.
final class MessageFileStream: MessageByteStream, @unchecked Sendable {
    let size: UInt64
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

    deinit { close(fd) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
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

    func rewind() throws {
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
