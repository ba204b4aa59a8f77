/// Strings: quoted, literal (`{n}`, `{n+}`), binary literal (`~{n}`), NIL.
extension ParseBuffer {
    /// A quoted string, with `\"` and `\\` unescaped.
    mutating func quoted() throws(ParseError) -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        var bytes: [UInt8] = []
        while true {
            let byte = try readByte()
            switch byte {
            case UInt8(ascii: "\""):
                return bytes
            case UInt8(ascii: "\\"):
                bytes.append(try readByte())
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                throw error("closing quote")
            default:
                bytes.append(byte)
            }
        }
    }

    /// A literal `{n}CRLF` followed by n bytes, or a binary literal `~{n}CRLF…`
    /// (literal8, RFC 3516). The bytes are the frame's literal, as the framer filled
    /// it: no copy.
    mutating func literal() throws(ParseError) -> [UInt8] {
        _ = consume(UInt8(ascii: "~"))
        try expect(UInt8(ascii: "{"))
        let size: UInt64 = try number(UInt64.self)
        guard size <= UInt64(Int32.max) else { throw error("literal size within range") }
        let count = Int(size)
        _ = consume(UInt8(ascii: "+"))
        try expect(UInt8(ascii: "}"))
        _ = consume(UInt8(ascii: "\r"))
        try expect(UInt8(ascii: "\n"))
        return try takeLiteral(count: count)
    }

    /// A quoted string or a literal.
    mutating func string() throws(ParseError) -> [UInt8] {
        switch peek() {
        case UInt8(ascii: "\""): return try quoted()
        case UInt8(ascii: "{"), UInt8(ascii: "~"): return try literal()
        default: throw error("string")
        }
    }

    /// `NIL` or a string.
    mutating func nstring() throws(ParseError) -> [UInt8]? {
        if consume(word: "NIL") { return nil }
        return try string()
    }

    /// An atom of ASTRING-CHARs or a string.
    mutating func astring() throws(ParseError) -> [UInt8] {
        switch peek() {
        case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "~"): return try string()
        default: return try take("astring", while: Grammar.isAStringChar)
        }
    }

    /// A string read as UTF-8 text.
    mutating func stringText() throws(ParseError) -> String {
        String(decoding: try string(), as: UTF8.self)
    }

    /// An astring read as UTF-8 text.
    mutating func astringText() throws(ParseError) -> String {
        String(decoding: try astring(), as: UTF8.self)
    }

    /// A flag: `\Seen`, `\*`, or a keyword atom.
    mutating func flag() throws(ParseError) -> String {
        if consume(UInt8(ascii: "\\")) {
            if consume(UInt8(ascii: "*")) { return "\\*" }
            return "\\" + (try atom())
        }
        return try atom()
    }

    /// Skips one value of any shape (atom, number, string, NIL, nested list), for
    /// data Brick does not use (ENVELOPE, BODYSTRUCTURE, unknown extensions).
    mutating func skipValue() throws(ParseError) {
        switch peek() {
        case UInt8(ascii: "("):
            _ = try list { (buffer: inout ParseBuffer) throws(ParseError) in try buffer.skipValue() }
        case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "~"):
            _ = try string()
        case UInt8(ascii: "\\"):
            _ = try flag()
        default:
            _ = try take("value", while: { Grammar.isAStringChar($0) || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "%") })
            if peek() == UInt8(ascii: "[") {
                _ = try take("section", while: { $0 != UInt8(ascii: "]") })
                try expect(UInt8(ascii: "]"))
                if peek() == UInt8(ascii: "<") {
                    _ = try take("origin", while: { $0 != UInt8(ascii: ">") })
                    try expect(UInt8(ascii: ">"))
                }
            }
        }
    }
}
