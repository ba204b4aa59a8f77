import Foundation

/// Dovecot's per-folder `dovecot-acl` file (the `acl` plugin's vfile backend): one
/// entry a line, `IDENTIFIER RIGHTS`, rights as IMAP letters (`lrwstipekxa`); `#`
/// starts a comment. Identifiers are turned into the names IMAP's GETACL shows, so a
/// Maildir's entries and a server's compare and restore alike: `user=bob` is `bob`,
/// `group=staff` is `$staff`, a leading `-` (negative rights) is kept; `owner`,
/// `anyone`, `authenticated` and any other identifier stay as written.
public enum DovecotACLFile {
    /// The file's name, in each folder's directory (INBOX: the Maildir root).
    public static let fileName = "dovecot-acl"

    /// The entries of a file, identifier (IMAP form) to rights; the last line of an
    /// identifier wins.
    public static func parse(_ bytes: [UInt8]) -> [(identifier: String, rights: String)] {
        var entries: [(identifier: String, rights: String)] = []
        for raw in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), let space = line.lastIndex(of: " ") else { continue }
            let identifier = imapIdentifier(line[..<space].trimmingCharacters(in: .whitespaces))
            let rights = String(line[line.index(after: space)...])
            entries.removeAll { $0.identifier == identifier }
            entries.append((identifier, rights))
        }
        return entries
    }

    /// The file holding `entries` (IMAP identifiers), one line each.
    public static func encode(_ entries: [(identifier: String, rights: String)]) -> [UInt8] {
        Array(entries.map { "\(fileIdentifier($0.identifier)) \($0.rights)\n" }.joined().utf8)
    }

    /// `user=bob` → `bob`, `group=staff` → `$staff`, `-user=bob` → `-bob`.
    static func imapIdentifier(_ identifier: String) -> String {
        let negative = identifier.hasPrefix("-")
        let bare = negative ? String(identifier.dropFirst()) : identifier
        let mapped: String
        if bare.hasPrefix("user=") {
            mapped = String(bare.dropFirst(5))
        } else if bare.hasPrefix("group=") {
            mapped = "$" + bare.dropFirst(6)
        } else {
            mapped = bare
        }
        return (negative ? "-" : "") + mapped
    }

    /// The inverse of `imapIdentifier`.
    static func fileIdentifier(_ identifier: String) -> String {
        let negative = identifier.hasPrefix("-")
        let bare = negative ? String(identifier.dropFirst()) : identifier
        let mapped: String
        if ["owner", "anyone", "authenticated"].contains(bare) || bare.contains("=") {
            mapped = bare
        } else if bare.hasPrefix("$") {
            mapped = "group=" + bare.dropFirst()
        } else {
            mapped = "user=" + bare
        }
        return (negative ? "-" : "") + mapped
    }
}
