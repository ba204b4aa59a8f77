import BrickCore

/// Dovecot's `subscriptions` file in the Maildir root. Version 2 starts with `V\t2`
/// and an empty line; each further line is one subscribed folder, its names joined
/// by a tab, each name tab-escaped (`\001` followed by `1`, `t`, `r`, `n` for
/// `\001`, tab, CR, LF). A file without the header (version 1, older Dovecot) names one
/// folder a line with the layout's hierarchy separator (`.` for Maildir++, `/` for fs).
/// Brick writes version 2. Names are UTF-8, as Dovecot keeps them.
public enum DovecotSubscriptions {
    /// The file's name.
    public static let fileName = "subscriptions"
    static let header = "V\t2\n\n"

    /// The subscribed folders in `bytes`, in file order, without repeats.
    public static func parse(_ bytes: [UInt8], separator: Character = ".") -> [FolderPath] {
        var text = String(decoding: bytes, as: UTF8.self)
        let isVersion2 = text.hasPrefix(header)
        if isVersion2 { text.removeFirst(header.count) }
        var seen = Set<FolderPath>()
        var paths: [FolderPath] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let names = isVersion2
                ? line.split(separator: "\t", omittingEmptySubsequences: false).map { unescape(String($0)) }
                : line.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
            let path = FolderPath(names)
            if !names.isEmpty && seen.insert(path).inserted { paths.append(path) }
        }
        return paths
    }

    /// The version 2 file holding `paths`, in the order given.
    public static func encode(_ paths: [FolderPath]) -> [UInt8] {
        var text = header
        for path in paths { text += path.components.map(escape).joined(separator: "\t") + "\n" }
        return Array(text.utf8)
    }

    static func escape(_ name: String) -> String {
        var output = ""
        for character in name.unicodeScalars {
            switch character {
            case "\u{01}": output += "\u{01}1"
            case "\t": output += "\u{01}t"
            case "\r": output += "\u{01}r"
            case "\n": output += "\u{01}n"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }

    static func unescape(_ name: String) -> String {
        var output = ""
        var escaped = false
        for character in name.unicodeScalars {
            if escaped {
                switch character {
                case "1": output += "\u{01}"
                case "t": output += "\t"
                case "r": output += "\r"
                case "n": output += "\n"
                default: output.unicodeScalars.append(character)
                }
                escaped = false
            } else if character == "\u{01}" {
                escaped = true
            } else {
                output.unicodeScalars.append(character)
            }
        }
        return output
    }
}
