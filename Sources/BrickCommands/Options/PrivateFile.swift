import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files that hold a secret (a password, a bundle identity) are read as ssh reads a
/// private key: refused when group or others may read or write them.
enum PrivateFile {
    /// Throws a usage error naming `option` and the mode when `path` is missing or open
    /// to group or others.
    static func checkMode(_ path: String, option: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw UsageError("cannot read \(option) \(path): \(String(cString: strerror(errno)))")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            let octal = String(mode, radix: 8)
            let shown = String(repeating: "0", count: max(0, 4 - octal.count)) + octal
            throw UsageError("\(option) \(path) is accessible by group or others (mode \(shown)); refused: chmod 600 it")
        }
    }
}
