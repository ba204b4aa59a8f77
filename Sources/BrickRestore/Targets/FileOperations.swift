#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BrickCore
import BrickMaildir
import BrickMessage
import Foundation

/// The POSIX calls the file targets need, each turning a failure into a
/// `FileTargetError.system` naming the call and the path. Files are created 0600 and
/// directories 0700: restored mail is as private as the backup. No call follows a
/// symbolic link in the last component of its path (`O_NOFOLLOW`, `lstat`, new files
/// `O_EXCL`), and directories below a target's location are created and checked one
/// component at a time without following one (`makeDirectories(_:under:)`), so a link
/// planted in a target fails with `FileTargetError.symbolicLink` instead of being
/// written through.
enum FileOperations {
    /// Runs a call that returns -1 and sets errno on failure.
    @discardableResult
    static func call<Result: BinaryInteger>(_ operation: String, _ path: String, _ body: () -> Result) throws
        -> Result
    {
        while true {
            let result = body()
            if result != -1 { return result }
            if errno == EINTR { continue }
            if errno == ELOOP { throw FileTargetError.symbolicLink(path: path) }
            throw FileTargetError.system(operation: operation, path: path, errno: errno)
        }
    }

    /// `path` without trailing slashes, except that `/` stays `/`.
    static func trimmingTrailingSlashes(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    /// Whether something is at `path`, whether it is a directory and whether it is a
    /// symbolic link (not followed).
    static func kind(of path: String) -> (exists: Bool, isDirectory: Bool, isLink: Bool) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return (false, false, false) }
        return (true, info.st_mode & S_IFMT == S_IFDIR, info.st_mode & S_IFMT == S_IFLNK)
    }

    /// Creates `path`, which lies below `base`, and its missing parents up to `base`
    /// (0700), one component at a time from a descriptor, never following a link:
    /// a link on the way fails with `FileTargetError.symbolicLink`. `base` itself is
    /// created when missing; its own last component must not be a link either.
    @discardableResult
    static func makeDirectories(_ path: String, under base: String) throws -> NoFollowDirectory {
        let relative = path == base ? "" : String(path.dropFirst(base.count + 1))
        guard path == base || (path.hasPrefix(base + "/") && !relative.isEmpty) else {
            throw FileTargetError.system(operation: "mkdir", path: path, errno: EINVAL)
        }
        do {
            guard var directory = try NoFollowDirectory.open(base, create: true) else {
                throw FileTargetError.system(operation: "mkdir", path: base, errno: ENOENT)
            }
            for component in relative.split(separator: "/") { directory = try directory.makeDirectory(String(component)) }
            return directory
        } catch MaildirError.symbolicLink(let link) {
            throw FileTargetError.symbolicLink(path: link)
        } catch MaildirError.notADirectory(let file) {
            throw FileTargetError.system(operation: "mkdir", path: file, errno: ENOTDIR)
        } catch MaildirError.systemCall(let function, let failed, let code) {
            throw FileTargetError.system(operation: function, path: failed, errno: code)
        }
    }

    /// Creates `path` and its missing parents as directories (mode 0700), following
    /// links: only for the part of a location an administrator typed.
    static func makeDirectories(_ path: String) throws {
        func isDirectory(_ path: String) -> Bool {
            var info = stat()
            return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
        }
        if isDirectory(path) { return }
        let parent = PathText.parent(of: path)
        if !parent.isEmpty && parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o700) == -1 && !(errno == EEXIST && isDirectory(path)) {
            throw FileTargetError.system(operation: "mkdir", path: path, errno: errno)
        }
    }

    /// The size of the open file `descriptor`.
    static func size(_ descriptor: Int32, path: String) throws -> Int {
        var info = stat()
        try call("fstat", path) { fstat(descriptor, &info) }
        return Int(info.st_size)
    }

    /// Writes all of `bytes` to `descriptor`.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { buffer in try writeAll(buffer, to: descriptor, path: path) }
    }

    /// Writes all of `buffer` to `descriptor`.
    static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws {
        var offset = 0
        while offset < buffer.count {
            let written = try call("write", path) {
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            offset += written
        }
    }

    /// Writes `bytes` to `path` through a temporary file renamed into place, with
    /// access and modification times set to `modified`; with `sync`, the file is
    /// fsynced before the rename, so a crash leaves the old or the new contents.
    static func writeFileAtomically(_ bytes: [UInt8], to path: String, modified: Date, sync: Bool = false) throws {
        let directory = PathText.parent(of: path)
        let name = (path as NSString).lastPathComponent
        let temporary = (directory as NSString).appendingPathComponent(".\(name).\(getpid()).tmp")
        try fillTemporary(temporary, renamedOver: path) { descriptor in
            try writeAll(bytes, to: descriptor, path: temporary)
            try setTimes(descriptor, path: temporary, to: modified)
            if sync { try call("fsync", temporary) { fsync(descriptor) } }
        }
    }

    /// Creates `temporary` (mode 0600), lets `body` fill it, closes it and renames it
    /// over `path`. On any failure the temporary file is removed and `path` is as it was.
    private static func fillTemporary(_ temporary: String, renamedOver path: String, _ body: (Int32) throws -> Void) throws {
        unlink(temporary)
        let descriptor = try call("open", temporary) {
            open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        }
        do {
            try body(descriptor)
            try call("close", temporary) { close(descriptor) }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        do {
            try call("rename", path) { rename(temporary, path) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Sets the access and modification times of an open file.
    static func setTimes(_ descriptor: Int32, path: String, to date: Date) throws {
        let interval = date.timeIntervalSince1970
        let seconds = interval.rounded(.down)
        let nanoseconds = Int((interval - seconds) * 1e9)
        let time = timespec(tv_sec: Int(seconds), tv_nsec: nanoseconds)
        var times = [time, time]
        try call("futimens", path) { futimens(descriptor, &times) }
    }

    /// The contents of `path`, or nil when it does not exist.
    static func readFile(_ path: String) throws -> [UInt8]? {
        guard let descriptor = try openForReading(path) else { return nil }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try chunk.withUnsafeMutableBytes { buffer in
                try call("read", path) { read(descriptor, buffer.baseAddress, buffer.count) }
            }
            if count == 0 { return contents }
            contents.append(contentsOf: chunk[..<count])
        }
    }

    /// The digests (`MessageFingerprint.digests(of:)`) of the message file at `path`,
    /// read piece by piece; nil when it does not exist.
    static func messageDigests(_ path: String) throws -> (identity: String, content: String)? {
        guard let descriptor = try openForReading(path) else { return nil }
        return try MessageFingerprint.digests(of: try MessageFileStream(adopting: descriptor, path: path))
    }

    /// Calls `body` with the contents of `path` mapped into memory (empty when the
    /// file is missing or empty) and the file's inode number (0 when missing). The
    /// mapping is backed by the file, so a large file costs no anonymous memory.
    static func withMappedFile<Result>(_ path: String, _ body: (UnsafeRawBufferPointer, UInt64) throws -> Result) throws
        -> Result
    {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        if descriptor == -1 {
            if errno == ENOENT { return try body(UnsafeRawBufferPointer(start: nil, count: 0), 0) }
            if errno == ELOOP { throw FileTargetError.symbolicLink(path: path) }
            throw FileTargetError.system(operation: "open", path: path, errno: errno)
        }
        defer { close(descriptor) }
        var info = stat()
        try call("fstat", path) { fstat(descriptor, &info) }
        let length = Int(info.st_size)
        let inode = UInt64(info.st_ino)
        if length == 0 { return try body(UnsafeRawBufferPointer(start: nil, count: 0), inode) }
        guard let mapping = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), mapping != MAP_FAILED else {
            throw FileTargetError.system(operation: "mmap", path: path, errno: errno)
        }
        defer { munmap(mapping, length) }
        return try body(UnsafeRawBufferPointer(start: mapping, count: length), inode)
    }

    /// Replaces `path` with the `kept` ranges of `contents` (the file's current bytes,
    /// mapped): written straight from the mapping to a temporary file beside it with
    /// `path`'s permissions, fsynced, renamed over `path`, and the directory fsynced.
    /// A failure before the rename leaves `path` as it was.
    static func replaceFile(_ path: String, keeping kept: [Range<Int>], of contents: UnsafeRawBufferPointer) throws {
        var info = stat()
        try call("lstat", path) { lstat(path, &info) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            if info.st_mode & S_IFMT == S_IFLNK { throw FileTargetError.symbolicLink(path: path) }
            throw FileTargetError.system(operation: "open", path: path, errno: EINVAL)
        }
        let directory = PathText.parent(of: path)
        let name = (path as NSString).lastPathComponent
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).\(getpid()).rewrite"
        try fillTemporary(temporary, renamedOver: path) { descriptor in
            try call("fchmod", temporary) { fchmod(descriptor, info.st_mode & 0o7777) }
            for range in kept where !range.isEmpty {
                try writeAll(UnsafeRawBufferPointer(rebasing: contents[range]), to: descriptor, path: temporary)
            }
            try call("fsync", temporary) { fsync(descriptor) }
        }
        try flush([directory.isEmpty ? "." : directory])
    }

    /// Makes the files and directories in `paths` durable: each is fsynced, or,
    /// past a thousand of them, the whole system is synced once instead.
    static func flush(_ paths: Set<String>) throws {
        if paths.count > 1000 {
            sync()
            return
        }
        for path in paths.sorted() {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
            if descriptor == -1 {
                if errno == ENOENT || errno == ELOOP { continue }
                throw FileTargetError.system(operation: "open", path: path, errno: errno)
            }
            defer { close(descriptor) }
            try call("fsync", path) { fsync(descriptor) }
        }
    }
}

extension FileOperations {
    /// Up to `length` bytes from the start of the regular file `path` (never through
    /// a link), or nil when it does not exist.
    static func readPrefix(of path: String, length: Int) throws -> [UInt8]? {
        guard let descriptor = try openForReading(path) else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: length)
        var filled = 0
        while filled < length {
            let count = try buffer.withUnsafeMutableBytes { raw in
                try call("read", path) { read(descriptor, raw.baseAddress! + filled, length - filled) }
            }
            if count == 0 { break }
            filled += count
        }
        return Array(buffer[..<filled])
    }

    /// A descriptor for reading `path`, never through a link and never blocking on a
    /// FIFO; nil when it does not exist.
    private static func openForReading(_ path: String) throws -> Int32? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        if descriptor != -1 { return descriptor }
        if errno == ENOENT { return nil }
        if errno == ELOOP { throw FileTargetError.symbolicLink(path: path) }
        throw FileTargetError.system(operation: "open", path: path, errno: errno)
    }
}
