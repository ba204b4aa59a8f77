import Foundation

/// Expands `{user}` in a Maildir path template and finds the users a template matches
/// on disk, e.g. `/var/vmail/example.org/{user}/Maildir`.
///
/// The template holds exactly one `{user}`, which may sit anywhere in one path
/// component (`/home/{user}/Maildir`, `/srv/mail/u-{user}.d`). User names never
/// contain `/`, never contain `..`, are never empty or `.`; discovery skips hidden
/// directories (names starting with `.`).
public enum MaildirUsers {
    /// The placeholder.
    public static let placeholder = "{user}"

    /// The template with `{user}` replaced by `user`; throws for a bad template or name.
    public static func expand(template: String, user: String) throws -> URL {
        try checkUser(user)
        _ = try split(template)
        return URL(fileURLWithPath: template.replacingOccurrences(of: placeholder, with: user))
    }

    /// Every user whose expanded template names an existing directory, sorted by name.
    /// Throws when the template is malformed or the directory holding the users cannot be read.
    public static func discover(template: String) throws -> [(user: String, root: URL)] {
        let parts = try split(template)
        guard let names = try DirectoryReader.entries(of: parts.base.isEmpty ? "/" : parts.base) else {
            throw MaildirError.notAMaildir(path: parts.base)
        }
        var found: [(user: String, root: URL)] = []
        for entry in names where entry.mayBeDirectory {
            let name = entry.name
            guard name.count > parts.prefix.count + parts.suffix.count,
                  name.hasPrefix(parts.prefix), name.hasSuffix(parts.suffix)
            else { continue }
            let user = String(name.dropFirst(parts.prefix.count).dropLast(parts.suffix.count))
            guard (try? checkUser(user)) != nil else { continue }
            let root = template.replacingOccurrences(of: placeholder, with: user)
            do {
                if let info = try POSIX.status(root), (info.st_mode & S_IFMT) == S_IFDIR {
                    found.append((user, URL(fileURLWithPath: root)))
                }
            } catch {
                // A root that cannot be checked (EACCES, EIO) is kept: its backup then
                // fails and says why, rather than the user vanishing from the run.
                found.append((user, URL(fileURLWithPath: root)))
            }
        }
        return found.sorted { $0.user < $1.user }
    }

    /// Throws unless `user` is safe to put into a path.
    static func checkUser(_ user: String) throws {
        guard !user.isEmpty, user != ".", !user.contains("/"), !user.contains(".."), !user.contains("\0") else {
            throw MaildirError.invalidUserName(user: user)
        }
    }

    /// The directory above the `{user}` component, and the text before and after
    /// `{user}` within that component.
    private static func split(_ template: String) throws -> (base: String, prefix: String, suffix: String) {
        let pieces = template.components(separatedBy: placeholder)
        guard pieces.count == 2 else {
            throw MaildirError.invalidTemplate(
                template: template, reason: pieces.count < 2 ? "no {user}" : "more than one {user}")
        }
        guard template.hasPrefix("/") else {
            throw MaildirError.invalidTemplate(template: template, reason: "not an absolute path")
        }
        let before = pieces[0]
        let slash = before.lastIndex(of: "/")!
        let base = String(before[..<slash])
        let prefix = String(before[before.index(after: slash)...])
        let suffix = String(pieces[1].prefix { $0 != "/" })
        return (base, prefix, suffix)
    }
}
