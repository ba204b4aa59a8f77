/// Encoders for strings sent to the server.
enum QuotedString {
    /// `"text"` with `\` and `"` escaped; for short ASCII text without CR or LF.
    static func encode(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\\" || scalar == "\"" { output.append("\\") }
            output.unicodeScalars.append(scalar)
        }
        output.append("\"")
        return output
    }

    /// True when `text` can be sent quoted: 7-bit, no NUL, CR or LF.
    static func isQuotable(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 > 0 && $0 < 0x80 && $0 != 10 && $0 != 13 }
    }
}
