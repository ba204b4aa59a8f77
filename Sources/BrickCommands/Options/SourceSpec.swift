import BrickCore
import Foundation

/// A parsed `--source`: `maildir:PATH` (PATH may contain `{user}`) or an IMAP URL.
enum SourceSpec: Sendable {
    /// A Maildir per user; the template names each user's Maildir.
    case maildir(template: String)
    /// An IMAP server.
    case imap(url: String)

    /// Parses `--source`.
    init(parsing text: String) throws {
        if text.hasPrefix("maildir:") {
            let template = String(text.dropFirst("maildir:".count))
            guard !template.isEmpty else { throw UsageError("--source maildir: needs a path, e.g. maildir:/var/vmail/example.org/{user}/Maildir") }
            self = .maildir(template: template)
        } else if text.hasPrefix("imap://") || text.hasPrefix("imaps://") {
            self = .imap(url: text)
        } else {
            throw UsageError("unknown --source '\(text)': use maildir:PATH (with {user}), imap://HOST[:PORT] or imaps://HOST[:PORT]")
        }
    }

    /// What logs and the `runs` table say about the source (no credentials).
    func description(for user: String) -> String {
        switch self {
        case .maildir(let template): return "maildir:" + template.replacingOccurrences(of: "{user}", with: user)
        case .imap(let url): return url
        }
    }
}
