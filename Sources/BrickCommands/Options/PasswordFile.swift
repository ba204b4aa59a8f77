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
        try PrivateFile.checkMode(path, option: "--password-file")
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
