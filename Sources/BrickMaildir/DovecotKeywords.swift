/// A folder's `dovecot-keywords` file: which lowercase Maildir flag letter stands for
/// which IMAP keyword.
///
/// Dovecot writes one line per keyword, `0 $Label1`, where index 0 is letter `a` and
/// 25 is `z`; a folder can therefore carry at most 26 keywords in file names.
public struct DovecotKeywords: Hashable, Sendable {
    /// The file's name inside a folder directory.
    public static let fileName = "dovecot-keywords"

    /// Keyword names by index (0 = `a`); nil where the file has a gap.
    public private(set) var names: [String?]

    /// An empty mapping.
    public init() { names = [] }

    /// Parses the file's text; malformed lines and indexes beyond 25 are ignored.
    public init(parsing text: String) {
        var names: [String?] = []
        for line in text.split(whereSeparator: { $0.isNewline }) {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let index = Int(parts[0]), (0..<26).contains(index) else { continue }
            let name = parts[1].trimmed(of: " \t")
            guard !name.isEmpty else { continue }
            while names.count <= index { names.append(nil) }
            names[index] = name
        }
        self.names = names
    }

    /// The keyword a lowercase letter stands for, if any.
    public func keyword(for letter: Character) -> String? {
        guard let ascii = letter.asciiValue, ascii >= UInt8(ascii: "a"), ascii <= UInt8(ascii: "z") else { return nil }
        let index = Int(ascii - UInt8(ascii: "a"))
        return index < names.count ? names[index] : nil
    }

    /// The letter of `keyword`, if it has one.
    public func letter(for keyword: String) -> Character? {
        guard let index = names.firstIndex(where: { $0 == keyword }) else { return nil }
        return Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(index)))
    }

    /// Gives `keyword` a letter when it has none and one is free; returns false when
    /// all 26 letters are taken.
    public mutating func assign(_ keyword: String) -> Bool {
        if letter(for: keyword) != nil { return true }
        if let gap = names.firstIndex(where: { $0 == nil }) {
            names[gap] = keyword
            return true
        }
        guard names.count < 26 else { return false }
        names.append(keyword)
        return true
    }

    /// The file's text as Dovecot writes it.
    public var text: String {
        names.enumerated().compactMap { index, name in name.map { "\(index) \($0)\n" } }.joined()
    }
}

extension Substring {
    /// The text without leading and trailing characters from `set`.
    func trimmed(of set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
