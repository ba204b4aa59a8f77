import Glibc

/// One entry of a directory listing.
public struct DirectoryEntry: Sendable {
    /// The entry's name.
    public var name: String
    /// True when the entry is (or, for file systems that do not say, may be) a directory.
    public var mayBeDirectory: Bool
    /// True when the file system says the entry is a directory.
    public var isDirectory: Bool
    /// True when the file system says the entry is a symbolic link.
    public var isSymbolicLink: Bool
}

/// Lists directories with `opendir`/`readdir`: on a folder of 100,000 messages this is
/// about twice as fast as `FileManager.contentsOfDirectory`, gives the entry type
/// without a `stat` per entry, and can skip hidden names without building strings.
enum DirectoryReader {
    /// The entries of `path` except `.` and `..`; hidden names are included only when
    /// `includeHidden` is set. Returns nil when the directory does not exist. For paths
    /// an administrator gave (the parent of users' Maildirs): links are followed.
    static func entries(of path: String, includeHidden: Bool = false) throws -> [DirectoryEntry]? {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw MaildirError.systemCall(function: "opendir", path: path, errno: code)
        }
        defer { close(fd) }
        return try entries(ofDescriptor: fd, path: path, includeHidden: includeHidden)
    }

    /// The entries of the open directory `descriptor` (which stays open) except `.` and
    /// `..`, hidden names only when `includeHidden` is set.
    static func entries(ofDescriptor descriptor: Int32, path: String, includeHidden: Bool) throws -> [DirectoryEntry] {
        let copy = try POSIX.posixCall("dup", path: path) { dup(descriptor) }
        guard let dir = fdopendir(copy) else {
            let code = errno
            Glibc.close(copy)
            throw MaildirError.systemCall(function: "fdopendir", path: path, errno: code)
        }
        defer { closedir(dir) }
        rewinddir(dir)
        var result: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                let code = errno
                if code != 0 { throw MaildirError.systemCall(function: "readdir", path: path, errno: code) }
                return result
            }
            let type = entry.pointee.d_type
            let name: String? = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes in
                    if bytes[0] == UInt8(ascii: ".") {
                        let dotOrDotDot = bytes[1] == 0 || (bytes[1] == UInt8(ascii: ".") && bytes[2] == 0)
                        if dotOrDotDot || !includeHidden { return nil }
                    }
                    let length = strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self))
                    return String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
                }
            }
            guard let name else { continue }
            let mayBeDirectory = type == UInt8(DT_DIR) || type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK)
            result.append(DirectoryEntry(
                name: name, mayBeDirectory: mayBeDirectory, isDirectory: type == UInt8(DT_DIR),
                isSymbolicLink: type == UInt8(DT_LNK)))
        }
    }

    /// The number of entries in the open directory that may be message files (not
    /// hidden, not known directories), counted without building names.
    static func countFiles(inDescriptor descriptor: Int32, path: String) throws -> Int {
        let copy = try POSIX.posixCall("dup", path: path) { dup(descriptor) }
        guard let dir = fdopendir(copy) else {
            let code = errno
            Glibc.close(copy)
            throw MaildirError.systemCall(function: "fdopendir", path: path, errno: code)
        }
        defer { closedir(dir) }
        rewinddir(dir)
        var count = 0
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                let code = errno
                if code != 0 { throw MaildirError.systemCall(function: "readdir", path: path, errno: code) }
                return count
            }
            if entry.pointee.d_type == UInt8(DT_DIR) || entry.pointee.d_name.0 == CChar(UInt8(ascii: ".")) { continue }
            count += 1
        }
    }
}
