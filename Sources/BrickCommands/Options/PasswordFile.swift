import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads `--password-file` as ssh reads a private key: refused when group or others
/// may read or write it, and refused when its first line is empty, so that no login
/// is ever tried with an empty password (hundreds of users' failed logins would trip
/// the server's penalties).
enum PasswordFile {
    /// The password: the file's first line, without its line end.
    static func read(_ path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw UsageError("cannot read --password-file \(path): \(String(cString: strerror(errno)))")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            let octal = String(mode, radix: 8)
            let shown = String(repeating: "0", count: max(0, 4 - octal.count)) + octal
            throw UsageError("--password-file \(path) is accessible by group or others (mode \(shown)); refused: chmod 600 it")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw UsageError("cannot read --password-file \(path)")
        }
        let password = String(text.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline).first ?? "")
        guard !password.isEmpty else {
            throw UsageError("--password-file \(path) is empty (its first line holds the password); no login was tried")
        }
        return password
    }
}
