import Glibc

/// One entry of a directory listing.
struct DirectoryEntry: Sendable {
    /// The entry's name.
    var name: String
    /// True when the entry is (or, for file systems that do not say, may be) a directory.
    var mayBeDirectory: Bool
    /// True when the file system says the entry is a directory.
    var isDirectory: Bool
}

/// Lists directories with `opendir`/`readdir`: on a folder of 100,000 messages this is
/// about twice as fast as `FileManager.contentsOfDirectory`, gives the entry type
/// without a `stat` per entry, and can skip hidden names without building strings.
enum DirectoryReader {
    /// The entries of `path` except `.` and `..`; hidden names are included only when
    /// `includeHidden` is set. Returns nil when the directory does not exist.
    static func entries(of path: String, includeHidden: Bool = false) throws -> [DirectoryEntry]? {
        guard let dir = opendir(path) else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw MaildirError.systemCall(function: "opendir", path: path, errno: code)
        }
        defer { closedir(dir) }
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
            result.append(DirectoryEntry(name: name, mayBeDirectory: mayBeDirectory, isDirectory: type == UInt8(DT_DIR)))
        }
    }

    /// The number of entries in `path` that may be message files (not hidden, not
    /// known directories), counted without building names; nil when it does not exist.
    static func countFiles(in path: String) throws -> Int? {
        guard let dir = opendir(path) else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw MaildirError.systemCall(function: "opendir", path: path, errno: code)
        }
        defer { closedir(dir) }
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

    /// The names of the subdirectories of `path` (following symlinks), hidden ones only
    /// when `includeHidden` is set.
    static func subdirectories(of path: String, includeHidden: Bool) throws -> [String] {
        guard let entries = try entries(of: path, includeHidden: includeHidden) else { return [] }
        return entries.filter { $0.mayBeDirectory && POSIX.isDirectory(path + "/" + $0.name) }.map(\.name)
    }
}
