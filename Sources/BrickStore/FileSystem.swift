import BrickCore
import Foundation

/// Small POSIX helpers with the store's permissions (0700 directories, 0600 files)
/// and its atomic-write rule (temp → fsync → rename).
enum FileSystem {
    /// Creates `url` and missing parents with mode 0700.
    static func makeDirectory(_ url: URL, user: String) throws(StoreError) {
        var path = ""
        for component in url.standardizedFileURL.path.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw failure(user: user, path: path, operation: "mkdir", errno: errno)
            }
        }
    }

    /// Creates an empty file with mode 0600 if it does not exist.
    static func touchPrivateFile(_ url: URL, user: String) throws(StoreError) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 { throw failure(user: user, path: url.path, operation: "create", errno: errno) }
        close(fd)
    }

    /// Writes `text` to `url` atomically: a temp file, fsync, rename, fsync of the directory.
    static func writeAtomically(_ text: String, to url: URL, user: String) throws(StoreError) {
        let temp = url.path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 { throw failure(user: user, path: temp, operation: "create", errno: errno) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != bytes.count || fsync(fd) != 0 {
            let code = errno
            close(fd)
            throw failure(user: user, path: temp, operation: "write", errno: code)
        }
        close(fd)
        if rename(temp, url.path) != 0 { throw .io(user: user, path: url.path, operation: "rename", errno: errno) }
        syncDirectory(url.deletingLastPathComponent())
    }

    /// fsyncs a directory so a rename or create in it is durable.
    static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// The error for a failed call: a full, over-quota or failing file system is
    /// `writeFailed` (the run stops), anything else `io`.
    static func failure(user: String, path: String, operation: String, errno code: Int32) -> StoreError {
        guard [ENOSPC, EDQUOT, EIO].contains(code) else { return .io(user: user, path: path, operation: operation, errno: code) }
        return .writeFailed(user: user, path: PathText.parent(of: path), writing: path, errno: code)
    }

    /// Removes a directory tree; missing is fine.
    static func removeTree(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }

    /// Bytes used on disk by one file, 0 when missing.
    static func fileSize(_ url: URL) -> Int64 {
        var info = stat()
        return stat(url.path, &info) == 0 ? Int64(info.st_blocks) * 512 : 0
    }

    /// Bytes allocated on disk (`st_blocks` × 512, not apparent sizes: Berkeley DB's
    /// logs are sparse) by the files under `url`, except Berkeley DB's region files
    /// (`__db.*`), which live only while a process has the store open.
    static func diskUsage(_ url: URL) -> Int64 {
        guard let walker = FileManager.default.enumerator(atPath: url.path) else { return 0 }
        var total: Int64 = 0
        var info = stat()
        for case let relative as String in walker {
            if (relative as NSString).lastPathComponent.hasPrefix("__db.") { continue }
            if lstat(url.appendingPathComponent(relative).path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG {
                total += Int64(info.st_blocks) * 512
            }
        }
        return total
    }
}
