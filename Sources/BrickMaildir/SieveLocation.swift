import BrickCore
import Foundation

/// Where Pigeonhole keeps a user's Sieve scripts beside a Maildir: the script
/// directory (`sieve/`, one `NAME.sieve` per script) and the active-script link
/// (`.dovecot.sieve`, a symbolic link to the active script, in the directory's
/// parent). Dovecot's default, `sieve = file:~/sieve;active=~/.dovecot.sieve`, with the
/// Maildir at `~/Maildir`, puts both beside the Maildir.
public struct SieveLocation: Sendable, Hashable {
    /// The script directory.
    public var directory: String
    /// The active-script link.
    public var activeLink: String

    /// The name of the active-script link.
    public static let activeLinkName = ".dovecot.sieve"
    /// The suffix of a script's file.
    public static let scriptSuffix = ".sieve"

    /// The location with the script directory at `directory` and the link in its parent.
    public init(directory: String) {
        let trimmed = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.directory = trimmed
        let parent = PathText.parent(of: trimmed)
        activeLink = (parent.isEmpty ? "." : parent) + "/" + SieveLocation.activeLinkName
    }

    /// Dovecot's default for the Maildir at `root`: `sieve/` beside it.
    public init(besideMaildir root: URL) {
        self.init(directory: root.standardizedFileURL.deletingLastPathComponent().appendingPathComponent("sieve").path)
    }

    /// Whether `name` can be a script's file name: not empty, no `/` or NUL, no
    /// leading dot (Pigeonhole refuses the same).
    public static func isValidScriptName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\0")
    }
}
