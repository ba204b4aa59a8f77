import BrickCore

/// Folder name escapes in directory names, as Dovecot's listescape writes them:
/// `\2e` for `.`, `\2f` for `/`, `\5c` for `\`. Maildir++ cannot otherwise hold a `.`
/// in a name, because `.` separates the levels.
enum FolderNameEscape {
    /// Escapes `.`, `/` and `\` in one decoded name component.
    static func escape(_ name: String) -> String {
        var output = ""
        for character in name {
            switch character {
            case ".": output += "\\2e"
            case "/": output += "\\2f"
            case "\\": output += "\\5c"
            default: output.append(character)
            }
        }
        return output
    }

    /// Replaces the escapes `\2e`, `\2f` and `\5c` by the character they stand for.
    static func unescape(_ name: String) -> String {
        guard name.contains("\\") else { return name }
        var output = String.UnicodeScalarView()
        let scalars = Array(name.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\\", index + 2 < scalars.count,
               let value = UInt8(String(String.UnicodeScalarView(scalars[(index + 1)...(index + 2)])), radix: 16),
               value == 0x2E || value == 0x2F || value == 0x5C
            {
                output.append(UnicodeScalar(value))
                index += 3
            } else {
                output.append(scalars[index])
                index += 1
            }
        }
        return String(output)
    }

    /// Decodes one on-disk name component: modified UTF-7 (names that are not valid
    /// modified UTF-7, e.g. raw UTF-8 from Dovecot's `UTF-8` option, stay as they are),
    /// then listescape sequences.
    static func decode(_ component: String) -> String {
        unescape(ModifiedUTF7.decodeLeniently(component))
    }

    /// Encodes one name component for a directory name.
    static func encode(_ component: String) -> String {
        ModifiedUTF7.encode(escape(component))
    }
}
