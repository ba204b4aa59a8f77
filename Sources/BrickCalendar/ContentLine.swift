/// One unfolded content line of iCalendar (RFC 5545 §3.1) or vCard (RFC 6350 §3.2):
/// `NAME;PARAM=VALUE,VALUE:value`, with an optional `group.` prefix in vCards.
struct ContentLine: Sendable {
    /// The property name, upper-cased, without a vCard group prefix.
    var name: String
    /// Parameters in order: upper-cased name and its values, quotes removed.
    var parameters: [(name: String, values: [String])]
    /// The raw value bytes after the first unquoted colon; empty for properties read
    /// with their value skipped (photos, attachments).
    var value: ArraySlice<UInt8>
    /// The whole unfolded line.
    var raw: [UInt8]

    /// The first value of parameter `name` (upper-case), if present.
    func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.values.first
    }

    /// The value as text: UTF-8, or ISO 8859-1 when it is not valid UTF-8.
    var rawText: String { ContentLine.decode(value) }

    /// The value as TEXT (RFC 5545 §3.3.11): `\n` `\N` `\,` `\;` `\\` unescaped.
    var text: String { ContentLine.unescape(rawText) }

    /// `bytes` as UTF-8 when valid, else as ISO 8859-1 (every byte a character).
    static func decode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// Whether `bytes` are valid UTF-8.
    static func isUTF8<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        String(validating: bytes, as: UTF8.self) != nil
    }

    /// TEXT unescaping: a backslash before `n`/`N` is a line break, before any other
    /// character that character.
    static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var output = ""
        var escaped = false
        for character in text {
            if escaped {
                output.append(character == "n" || character == "N" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                output.append(character)
            }
        }
        if escaped { output.append("\\") }
        return output
    }
}
