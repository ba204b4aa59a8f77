/// A response code in brackets at the start of a status response's text
/// (RFC 9051 §7.1, RFC 4315, RFC 7162, RFC 8474, RFC 5530).
enum ResponseCode: Equatable, Sendable {
    case alert
    case capability([String])
    case permanentFlags([String])
    case uidValidity(UInt32)
    case uidNext(UInt32)
    case unseen(UInt32)
    case highestModSeq(UInt64)
    case noModSeq
    case closed
    case readOnly
    case readWrite
    case tryCreate
    case alreadyExists
    case nonExistent
    case appendUID(uidValidity: UInt32, uids: UIDSet)
    case copyUID(uidValidity: UInt32, source: UIDSet, destination: UIDSet)
    case mailboxID(String)
    /// Any other code, with its name upper-cased and its raw argument text.
    case other(String, String?)
}

/// The human-readable part of a status response, with its optional code.
struct ResponseText: Equatable, Sendable {
    /// The bracketed code, if any.
    var code: ResponseCode?
    /// The text after it.
    var text: String

    /// Creates a response text.
    init(code: ResponseCode? = nil, text: String) {
        self.code = code
        self.text = text
    }
}

extension ParseBuffer {
    /// `resp-text`: an optional `[code]`, then text to the end of the line.
    mutating func responseText() throws(ParseError) -> ResponseText {
        var code: ResponseCode?
        if consume(UInt8(ascii: "[")) {
            code = try responseCode()
            try expect(UInt8(ascii: "]"))
            _ = consume(UInt8(ascii: " "))
        }
        return ResponseText(code: code, text: text())
    }

    private mutating func responseCode() throws(ParseError) -> ResponseCode {
        let name = try take("response code", while: { Grammar.isAtomChar($0) }).uppercasedASCII
        switch name {
        case "ALERT": return .alert
        case "CAPABILITY":
            var names: [String] = []
            while consume(UInt8(ascii: " ")) { names.append(try atom()) }
            return .capability(names)
        case "PERMANENTFLAGS":
            try space()
            return .permanentFlags(try list { (buffer: inout ParseBuffer) throws(ParseError) in try buffer.flag() })
        case "UIDVALIDITY": try space(); return .uidValidity(try number())
        case "UIDNEXT": try space(); return .uidNext(try number())
        case "UNSEEN": try space(); return .unseen(try number())
        case "HIGHESTMODSEQ": try space(); return .highestModSeq(try number(UInt64.self))
        case "NOMODSEQ": return .noModSeq
        case "CLOSED": return .closed
        case "READ-ONLY": return .readOnly
        case "READ-WRITE": return .readWrite
        case "TRYCREATE": return .tryCreate
        case "ALREADYEXISTS": return .alreadyExists
        case "NONEXISTENT": return .nonExistent
        case "APPENDUID":
            try space()
            let validity: UInt32 = try number()
            try space()
            return .appendUID(uidValidity: validity, uids: try uidSet())
        case "COPYUID":
            try space()
            let validity: UInt32 = try number()
            try space()
            let source = try uidSet()
            try space()
            return .copyUID(uidValidity: validity, source: source, destination: try uidSet())
        case "MAILBOXID":
            try space()
            return .mailboxID(try objectID())
        default:
            var argument: String?
            if consume(UInt8(ascii: " ")) {
                argument = String(decoding: try take("code text", while: { $0 != UInt8(ascii: "]") && $0 != 10 && $0 != 13 }), as: UTF8.self)
            }
            return .other(name, argument)
        }
    }

    /// An RFC 8474 object id in parentheses: `(F2212ea87-6097-4256-9d51-71338625)`.
    mutating func objectID() throws(ParseError) -> String {
        try expect(UInt8(ascii: "("))
        let id = try take("object id", while: { Grammar.isAtomChar($0) }).utf8String
        try expect(UInt8(ascii: ")"))
        return id
    }

    /// `"(" objectid ")"` where the server is known to send garbage in its place:
    /// Cyrus 3.6.1 answers `STATUS (MAILBOXID)` with freed memory between the
    /// parentheses. Takes any bytes up to `)` on the line and returns the id only when
    /// it is one (RFC 8474: 1 to 255 of ALPHA, DIGIT, `_`, `-`), else nil.
    mutating func objectIDIfValid() throws(ParseError) -> String? {
        try expect(UInt8(ascii: "("))
        var count = 0
        while let byte = peek(count), byte != UInt8(ascii: ")"), byte != 13, byte != 10 { count += 1 }
        let bytes = try take(count: count)
        try expect(UInt8(ascii: ")"))
        let valid = (1...255).contains(bytes.count) && bytes.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 95 || byte == 45
        }
        return valid ? bytes.utf8String : nil
    }
}

extension Array where Element == UInt8 {
    /// The bytes as UTF-8 text (invalid sequences repaired).
    var utf8String: String { String(decoding: self, as: UTF8.self) }

    /// The bytes as text with ASCII letters upper-cased.
    var uppercasedASCII: String {
        String(decoding: map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }
}
