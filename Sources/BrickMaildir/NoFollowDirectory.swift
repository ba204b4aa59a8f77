import BrickCore
import Foundation
import Glibc

/// An open directory reached without following a symbolic link, and the `*at` calls
/// that read and write below it without following one either.
///
/// Paths a user controls (a Maildir, a restore target) are only ever opened from a
/// descriptor, one component at a time, with `O_NOFOLLOW`: a symlink where a folder or
/// file should be fails with `MaildirError.symbolicLink`, and a directory swapped for a
/// link after it was opened cannot redirect what is read or written through the
/// descriptor. Only the directories above a given location (the part an administrator
/// typed) are resolved as usual; the location's own last component is not followed.
public final class NoFollowDirectory: @unchecked Sendable {
    /// The descriptor, owned: closed when the handle goes.
    public let descriptor: Int32
    /// The directory's path, for messages.
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { Glibc.close(descriptor) }

    /// Errors to report instead of calling the system, by path suffix (`/.Work/cur`):
    /// lets tests see what an EIO or EACCES does even when running as root.
    @TaskLocal public static var injectedFailures: [String: Int32] = [:]

    private func checkInjected(_ path: String, _ function: String) throws {
        let failures = Self.injectedFailures
        guard !failures.isEmpty else { return }
        if let code = failures.first(where: { path.hasSuffix($0.key) })?.value {
            throw MaildirError.systemCall(function: function, path: path, errno: code)
        }
    }

    /// Opens the directory at `location`: its parents are resolved as usual, its last
    /// component must not be a symlink. Nil when it does not exist; with `create`, it
    /// (and missing parents, 0700) is created instead.
    public static func open(_ location: String, create: Bool = false) throws -> NoFollowDirectory? {
        try open(location, create: create, followingLast: false)
    }

    /// Opens the directory at `location` as `open(_:create:)` does; with
    /// `followingLast`, a link in its last component is followed too (for a path an
    /// administrator typed whole, such as the directory of a single mbox file).
    public static func open(_ location: String, create: Bool = false, followingLast: Bool) throws -> NoFollowDirectory? {
        if followingLast { return try openPlain(location) }
        let trimmed = location.count > 1 && location.hasSuffix("/") ? String(location.dropLast()) : location
        let parentPath = PathText.parent(of: trimmed)
        let name = (trimmed as NSString).lastPathComponent
        if trimmed == "/" || name.isEmpty || name == "." || name == ".." {
            return try openPlain(trimmed.isEmpty ? "." : trimmed)
        }
        let parentText = parentPath.isEmpty ? "." : parentPath
        if create { try POSIX.makeDirectories(parentText) }
        guard let parent = try openPlain(parentText) else { return nil }
        if create { return try parent.makeDirectory(name) }
        return try parent.directory(name)
    }

    private static func openPlain(_ path: String) throws -> NoFollowDirectory? {
        while true {
            let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { return NoFollowDirectory(descriptor: fd, path: path) }
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT || code == ENOTDIR { return nil }
            throw MaildirError.systemCall(function: "open", path: path, errno: code)
        }
    }

    /// The path of `name` below this directory.
    public func child(_ name: String) -> String { path == "/" ? "/" + name : path + "/" + name }

    /// Throws unless `name` is one plain component (no `/`, not `.` or `..`, not empty).
    func checkComponent(_ name: String) throws {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\0") else {
            throw MaildirError.systemCall(function: "openat", path: child(name), errno: EINVAL)
        }
    }

    /// The subdirectory `name`, or nil when it does not exist; a symlink or a file
    /// there throws (`symbolicLink`, `notADirectory`).
    public func directory(_ name: String) throws -> NoFollowDirectory? {
        try checkComponent(name)
        try checkInjected(child(name), "openat")
        while true {
            let fd = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if fd >= 0 { return NoFollowDirectory(descriptor: fd, path: child(name)) }
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT { return nil }
            if code == ELOOP || code == ENOTDIR { throw try kindError(name, code: code) }
            throw MaildirError.systemCall(function: "openat", path: child(name), errno: code)
        }
    }

    /// The subdirectory reached through `names`, each opened as by `directory(_:)`.
    public func directory(path names: [String]) throws -> NoFollowDirectory? {
        var current = self
        for name in names {
            guard let next = try current.directory(name) else { return nil }
            current = next
        }
        return current
    }

    /// Creates the subdirectory `name` (0700) unless it exists, and opens it.
    public func makeDirectory(_ name: String) throws -> NoFollowDirectory {
        try checkComponent(name)
        if mkdirat(descriptor, name, 0o700) != 0 && errno != EEXIST {
            throw MaildirError.systemCall(function: "mkdirat", path: child(name), errno: errno)
        }
        guard let made = try directory(name) else {
            throw MaildirError.systemCall(function: "openat", path: child(name), errno: ENOENT)
        }
        return made
    }

    /// `lstat` of `name`: nil when it does not exist, never following a link.
    public func status(_ name: String) throws -> Glibc.stat? {
        try checkInjected(child(name), "fstatat")
        var info = Glibc.stat()
        while fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT { return nil }
            throw MaildirError.systemCall(function: "fstatat", path: child(name), errno: code)
        }
        return info
    }

    /// Opens the regular file `name` with `flags` (plus `O_NOFOLLOW`, `O_CLOEXEC`,
    /// `O_NONBLOCK` and `O_NOCTTY`, so a FIFO or device never blocks); nil when it does
    /// not exist. A symlink, FIFO, socket or device there throws, the file unread.
    public func openFile(_ name: String, flags: Int32 = O_RDONLY, mode: mode_t = 0o600) throws -> Int32? {
        try checkComponent(name)
        while true {
            let fd = openat(descriptor, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, mode)
            if fd >= 0 {
                var info = Glibc.stat()
                if fstat(fd, &info) != 0 || (info.st_mode & S_IFMT) != S_IFREG {
                    Glibc.close(fd)
                    throw MaildirError.notARegularFile(path: child(name), kind: Self.kindName(info.st_mode))
                }
                return fd
            }
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT && flags & O_CREAT == 0 { return nil }
            if code == ELOOP || code == ENXIO || code == EISDIR { throw try kindError(name, code: code) }
            throw MaildirError.systemCall(function: "openat", path: child(name), errno: code)
        }
    }

    /// The entries of this directory except `.` and `..`, hidden ones when asked.
    public func entries(includeHidden: Bool = true) throws -> [DirectoryEntry] {
        try checkInjected(path, "readdir")
        return try DirectoryReader.entries(ofDescriptor: descriptor, path: path, includeHidden: includeHidden)
    }

    /// Renames `name` here to `newName` in `target` (a link there is replaced, not followed).
    public func rename(_ name: String, to target: NoFollowDirectory, as newName: String) throws {
        try checkComponent(newName)
        try POSIX.posixCall("renameat", path: target.child(newName)) {
            renameat(descriptor, name, target.descriptor, newName)
        }
    }

    /// Removes the file `name` (a link is removed itself); false when it was gone.
    @discardableResult
    public func removeFile(_ name: String) throws -> Bool {
        if unlinkat(descriptor, name, 0) == 0 { return true }
        if errno == ENOENT { return false }
        throw MaildirError.systemCall(function: "unlinkat", path: child(name), errno: errno)
    }

    /// Flushes this directory's entries to disk.
    public func sync() throws {
        try POSIX.posixCall("fsync", path: path) { fsync(descriptor) }
    }

    /// The typed error for a name that is not what was asked for.
    private func kindError(_ name: String, code: Int32) throws -> MaildirError {
        guard let info = try status(name) else { return .systemCall(function: "openat", path: child(name), errno: code) }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFLNK { return .symbolicLink(path: child(name)) }
        if kind == S_IFDIR { return .notARegularFile(path: child(name), kind: "directory") }
        if kind == S_IFREG { return .notADirectory(path: child(name)) }
        return .notARegularFile(path: child(name), kind: Self.kindName(info.st_mode))
    }

    /// A word for a file type: `symlink`, `FIFO`, `socket`, `device`, `directory`, `file`.
    static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFLNK: return "symlink"
        case S_IFIFO: return "FIFO"
        case S_IFSOCK: return "socket"
        case S_IFCHR, S_IFBLK: return "device"
        case S_IFDIR: return "directory"
        default: return "file"
        }
    }
}
