/// One field of an `ID` response (RFC 2971), such as `name` → `Dovecot`.
struct IDField: Equatable, Sendable {
    var key: String
    var value: String?
}

extension ParseBuffer {
    /// `NIL` or `("key" "value" …)` after `ID `.
    mutating func idParameters() throws(ParseError) -> [IDField] {
        if consume(word: "NIL") { return [] }
        try expect(UInt8(ascii: "("))
        var fields: [IDField] = []
        while !consume(UInt8(ascii: ")")) {
            let key = try stringText()
            try space()
            let value = try nstring().map { $0.utf8String }
            fields.append(IDField(key: key, value: value))
            _ = consume(UInt8(ascii: " "))
        }
        return fields
    }
}

/// Encodes the client's `ID` parameters.
enum IDEncoder {
    /// `("name" "brick" …)` for the given fields.
    static func encode(_ fields: [IDField]) -> String {
        guard !fields.isEmpty else { return "NIL" }
        let parts = fields.map { field in
            "\(QuotedString.encode(field.key)) \(field.value.map(QuotedString.encode) ?? "NIL")"
        }
        return "(" + parts.joined(separator: " ") + ")"
    }
}
