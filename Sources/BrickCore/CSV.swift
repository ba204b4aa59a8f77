import Foundation

/// Comma-separated values as RFC 4180 has them: the one CSV writer and reader of
/// Brick (`--format csv` listings, the .eml restore's manifest).
///
/// A field is quoted when it holds a comma, a quote, a line break or outer white
/// space, quotes doubled. Fields come from mail (subjects, senders, folder names), so
/// one that a spreadsheet would run as a formula — starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return — is neutralised as OWASP advises ("CSV Injection"):
/// prefixed with a single quote and quoted.
public enum CSV {
    /// One record, terminated by `lineEnd` (CRLF by default, as RFC 4180 says).
    public static func record(_ fields: [String], lineEnd: String = "\r\n") -> String {
        fields.map(field).joined(separator: ",") + lineEnd
    }

    /// `value` as one field: neutralised when a spreadsheet would read it as a
    /// formula, quoted when it needs to be.
    public static func field(_ value: String) -> String {
        let neutralised = startsFormula(value) ? "'" + value : value
        let needsQuotes = neutralised != value || neutralised.utf8.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A
        } || neutralised.first?.isWhitespace == true || neutralised.last?.isWhitespace == true
        guard needsQuotes else { return neutralised }
        return "\"" + neutralised.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// True when a spreadsheet would take a cell beginning so for a formula.
    static func startsFormula(_ value: String) -> Bool {
        guard let first = value.utf8.first else { return false }
        return [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains(first)
    }

    /// The records in `bytes` (CRLF or LF between records; line breaks inside quoted
    /// fields are kept). A final record without a line break is included; an
    /// unterminated quoted field runs to the end.
    public static func records(_ bytes: [UInt8]) -> [[String]] {
        var records: [[String]] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var index = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") && field.isEmpty {
                inQuotes = true
            } else if byte == UInt8(ascii: ",") {
                endField()
            } else if byte == 0x0A || byte == 0x0D {
                if byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A { index += 1 }
                endField()
                records.append(fields)
                fields.removeAll()
            } else {
                field.append(byte)
            }
            index += 1
        }
        if !field.isEmpty || !fields.isEmpty || inQuotes {
            endField()
            records.append(fields)
        }
        return records
    }
}
