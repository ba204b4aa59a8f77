import BrickCore

/// A Maildir message file name split into its stable unique part and its flags.
///
/// Maildir names are `unique:2,FLAGS`; files in `new/` usually have no `:2,` part.
/// The unique part (Dovecot's includes `,S=size,W=vsize`) never changes when flags
/// change or the file moves from `new/` to `cur/`, so it is the item key.
public struct MaildirFileName: Hashable, Sendable {
    /// The unique part, before `:2,` (the whole name when there is no `:2,`).
    public var key: ItemKey
    /// The flag letters after `:2,`, as found.
    public var flagLetters: String

    /// The info separator Dovecot and Courier use.
    static let infoMarker = ":2,"

    /// Splits a file name (a byte scan: this runs once per file on every sync).
    public init(parsing name: String) {
        let bytes = name.utf8
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index] == UInt8(ascii: ":") {
                let second = bytes.index(after: index)
                if second != bytes.endIndex, bytes[second] == UInt8(ascii: "2") {
                    let third = bytes.index(after: second)
                    if third != bytes.endIndex, bytes[third] == UInt8(ascii: ",") {
                        key = ItemKey(String(name[..<index]))
                        flagLetters = String(name[bytes.index(after: third)...])
                        return
                    }
                }
            }
            index = bytes.index(after: index)
        }
        key = ItemKey(name)
        flagLetters = ""
    }

    /// The flags the letters stand for; lowercase letters are keywords looked up in
    /// `keywords` (a folder's `dovecot-keywords`), unknown letters are ignored.
    public func flags(keywords: DovecotKeywords) -> ItemFlags {
        MaildirFlags.decode(flagLetters, keywords: keywords)
    }
}

/// The mapping between Brick's flags and Maildir's flag letters.
public enum MaildirFlags {
    /// The system flag letters, in the ASCII order Maildir wants them written.
    static let letters: [(Character, SystemFlags)] = [
        ("D", .draft), ("F", .flagged), ("P", .forwarded), ("R", .answered), ("S", .seen), ("T", .deleted),
    ]

    /// Decodes flag letters: S seen, R answered, F flagged, T deleted, D draft,
    /// P forwarded; `a`…`z` through `keywords`; anything else is ignored.
    public static func decode(_ letters: String, keywords: DovecotKeywords) -> ItemFlags {
        var system: SystemFlags = []
        var names: [String] = []
        for letter in letters {
            if let match = MaildirFlags.letters.first(where: { $0.0 == letter }) {
                system.insert(match.1)
            } else if let keyword = keywords.keyword(for: letter) {
                names.append(keyword)
            }
        }
        return ItemFlags(system: system, keywords: names)
    }

    /// Encodes flags as letters in ASCII order; keywords without a letter in
    /// `keywords` are left out.
    public static func encode(_ flags: ItemFlags, keywords: DovecotKeywords) -> String {
        var letters = MaildirFlags.letters.filter { flags.system.contains($0.1) }.map(\.0)
        letters += flags.keywords.compactMap { keywords.letter(for: $0) }.sorted()
        return String(letters)
    }
}
