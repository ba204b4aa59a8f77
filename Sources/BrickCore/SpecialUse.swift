/// A folder's special use (RFC 6154), as announced by the server or guessed from a
/// well-known name.
public enum SpecialUse: String, Sendable, Hashable, CaseIterable {
    case all = "\\All"
    case archive = "\\Archive"
    case drafts = "\\Drafts"
    case flagged = "\\Flagged"
    case junk = "\\Junk"
    case sent = "\\Sent"
    case trash = "\\Trash"

    /// Parses an RFC 6154 attribute such as `\Junk` (case-insensitive).
    public init?(attribute: String) {
        guard let match = SpecialUse.allCases.first(where: {
            $0.rawValue.caseInsensitiveCompare(attribute) == .orderedSame
        }) else { return nil }
        self = match
    }

    /// A guess from a top-level folder name, for sources that announce nothing
    /// (a plain Maildir): "Trash", "Deleted Items", "Junk", "Spam", "Bulk Mail"…
    public init?(guessingFromName name: String) {
        switch name.lowercased() {
        case "trash", "deleted items", "deleted messages", "bin": self = .trash
        case "junk", "spam", "junk e-mail", "junk email", "bulk mail": self = .junk
        case "sent", "sent items", "sent messages", "sent mail": self = .sent
        case "drafts": self = .drafts
        case "archive", "archives": self = .archive
        default: return nil
        }
    }
}
