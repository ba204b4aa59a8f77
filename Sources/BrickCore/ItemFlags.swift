/// The IMAP system flags Brick keeps (RFC 9051 §2.3.2), as a bit set.
///
/// The raw values are part of the on-disk format (docs/FORMAT.md, "Item header").
public struct SystemFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let seen = SystemFlags(rawValue: 1 << 0)
    public static let answered = SystemFlags(rawValue: 1 << 1)
    public static let flagged = SystemFlags(rawValue: 1 << 2)
    public static let deleted = SystemFlags(rawValue: 1 << 3)
    public static let draft = SystemFlags(rawValue: 1 << 4)
    /// Maildir's "P" (passed / forwarded); IMAP shows it as the `$Forwarded` keyword.
    public static let forwarded = SystemFlags(rawValue: 1 << 5)

    /// Each flag with its IMAP spelling, in a fixed order.
    public static let imapNames: [(SystemFlags, String)] = [
        (.seen, "\\Seen"), (.answered, "\\Answered"), (.flagged, "\\Flagged"),
        (.deleted, "\\Deleted"), (.draft, "\\Draft"), (.forwarded, "$Forwarded"),
    ]
}

/// An item's flags: system flags plus keywords (IMAP keywords / Maildir letters mapped
/// through `dovecot-keywords`).
public struct ItemFlags: Hashable, Sendable, CustomStringConvertible {
    /// The system flags.
    public var system: SystemFlags
    /// Keywords, sorted and without duplicates.
    public private(set) var keywords: [String]

    /// Creates flags; keywords are sorted and de-duplicated.
    public init(system: SystemFlags = [], keywords: [String] = []) {
        self.system = system
        self.keywords = Array(Set(keywords)).sorted()
    }

    /// No flags at all.
    public static let none = ItemFlags()

    /// Parses IMAP flag names (`\Seen`, `$Forwarded`, `Junk`…); `\Recent` is dropped,
    /// unknown backslash flags are ignored, anything else is a keyword.
    public init(imapNames: [String]) {
        var system: SystemFlags = []
        var keywords: [String] = []
        for name in imapNames {
            if let match = SystemFlags.imapNames.first(where: { $0.1.caseInsensitiveCompare(name) == .orderedSame }) {
                system.insert(match.0)
            } else if !name.hasPrefix("\\") && !name.isEmpty {
                keywords.append(name)
            }
        }
        self.init(system: system, keywords: keywords)
    }

    /// IMAP spelling of every flag: system flags first, then keywords.
    public var imapNames: [String] {
        SystemFlags.imapNames.filter { system.contains($0.0) }.map(\.1) + keywords
    }

    /// The text form stored in the catalog: IMAP names separated by spaces.
    public var description: String { imapNames.joined(separator: " ") }

    /// Parses the catalog's text form.
    public init(catalogText: String) {
        self.init(imapNames: catalogText.split(separator: " ").map(String.init))
    }
}
