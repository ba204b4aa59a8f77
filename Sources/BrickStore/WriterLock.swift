import Foundation

/// The one-writer-per-user lock: an exclusive `flock` on `<user>/lock`, which holds the
/// writer's pid so a second writer can say who is in the way. The kernel drops the lock
/// when the process dies, so a `kill -9` never leaves a stale lock.
final class WriterLock: @unchecked Sendable {
    private let fd: Int32

    /// Takes the lock or throws `StoreError.locked` naming the holder.
    init(url: URL, user: String) throws(StoreError) {
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 { throw .io(user: user, path: url.path, operation: "open", errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let text = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
            throw .locked(user: user, path: url.path, holderPID: Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.fd = fd
    }

    deinit {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
