/// The stable key of one backed-up item within its folder.
///
/// A Maildir item's key is the unique part of its file name (before `:2,`); an IMAP
/// item's key is `UIDVALIDITY.UID`, so a new UIDVALIDITY starts a new generation of
/// keys. Keys are what `brick-backup index` shows and what `--key` selects.
public struct ItemKey: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The key as text.
    public var rawValue: String

    /// Wraps a key's text.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Wraps a key's text.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(stringLiteral value: String) { self.rawValue = value }

    /// The key of an IMAP message: `UIDVALIDITY.UID`.
    public static func imap(uidValidity: UInt32, uid: UInt32) -> ItemKey {
        ItemKey("\(uidValidity).\(uid)")
    }

    public var description: String { rawValue }

    public static func < (lhs: ItemKey, rhs: ItemKey) -> Bool { lhs.rawValue < rhs.rawValue }
}
