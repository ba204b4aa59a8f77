import Foundation

/// One data item of a `FETCH` response (RFC 9051 §7.5.2, RFC 7162, RFC 3516, RFC 8474).
enum FetchAttribute: Equatable, Sendable {
    case uid(UInt32)
    case flags([String])
    case modSeq(UInt64)
    case internalDate(Date)
    case rfc822Size(UInt64)
    /// `BODY[section]<origin>`: the section text as sent (`""`, `HEADER.FIELDS (MESSAGE-ID)`).
    case body(section: String, origin: UInt32?, data: [UInt8]?)
    /// `BINARY[section]`: decoded content (RFC 3516).
    case binary(section: String, data: [UInt8]?)
    /// `BINARY.SIZE[section]`.
    case binarySize(section: String, size: UInt64)
    case emailID(String)
    case threadID(String?)
    /// Anything else (ENVELOPE, BODYSTRUCTURE, extensions), by name, value skipped.
    case other(String)
}

extension ParseBuffer {
    /// `msg-att`: `(UID 4 FLAGS (\Seen) …)` after `n FETCH `.
    mutating func fetchAttributes() throws(ParseError) -> [FetchAttribute] {
        try list { (buffer: inout ParseBuffer) throws(ParseError) in try buffer.fetchAttribute() }
    }

    private mutating func fetchAttribute() throws(ParseError) -> FetchAttribute {
        let name = try take("fetch attribute", while: { Grammar.isAtomChar($0) && $0 != UInt8(ascii: "[") }).uppercasedASCII
        switch name {
        case "UID":
            try space()
            return .uid(try number())
        case "FLAGS":
            try space()
            return .flags(try list { (buffer: inout ParseBuffer) throws(ParseError) in try buffer.flag() })
        case "MODSEQ":
            try space()
            try expect(UInt8(ascii: "("))
            let value: UInt64 = try number(UInt64.self)
            try expect(UInt8(ascii: ")"))
            return .modSeq(value)
        case "INTERNALDATE":
            try space()
            let text = try quoted().utf8String
            guard let date = InternalDate.parse(text) else { throw error("date-time") }
            return .internalDate(date)
        case "RFC822.SIZE":
            try space()
            return .rfc822Size(try number(UInt64.self))
        case "BODY" where peek() == UInt8(ascii: "["), "BODY.PEEK" where peek() == UInt8(ascii: "["):
            let section = try sectionSpec()
            var origin: UInt32?
            if consume(UInt8(ascii: "<")) {
                origin = try number()
                try expect(UInt8(ascii: ">"))
            }
            try space()
            return .body(section: section, origin: origin, data: try nstring())
        case "RFC822", "RFC822.TEXT", "RFC822.HEADER":
            try space()
            let section = name == "RFC822" ? "" : String(name.dropFirst(7))
            return .body(section: section, origin: nil, data: try nstring())
        case "BINARY" where peek() == UInt8(ascii: "["):
            let section = try sectionSpec()
            try space()
            return .binary(section: section, data: try nstring())
        case "BINARY.SIZE" where peek() == UInt8(ascii: "["):
            let section = try sectionSpec()
            try space()
            return .binarySize(section: section, size: try number(UInt64.self))
        case "EMAILID":
            try space()
            return .emailID(try objectID())
        case "THREADID":
            try space()
            if consume(word: "NIL") { return .threadID(nil) }
            return .threadID(try objectID())
        default:
            try space()
            try skipValue()
            return .other(name)
        }
    }

    /// `[section]`, returned without the brackets.
    private mutating func sectionSpec() throws(ParseError) -> String {
        try expect(UInt8(ascii: "["))
        if consume(UInt8(ascii: "]")) { return "" }
        let section = try take("section", while: { $0 != UInt8(ascii: "]") && $0 != 10 && $0 != 13 }).utf8String
        try expect(UInt8(ascii: "]"))
        return section
    }
}

extension Array where Element == FetchAttribute {
    /// The UID item, if present.
    var uid: UInt32? {
        for case .uid(let value) in self { return value }
        return nil
    }

    /// The FLAGS item, if present.
    var flags: [String]? {
        for case .flags(let value) in self { return value }
        return nil
    }

    /// The MODSEQ item, if present.
    var modSeq: UInt64? {
        for case .modSeq(let value) in self { return value }
        return nil
    }

    /// The INTERNALDATE item, if present.
    var internalDate: Date? {
        for case .internalDate(let value) in self { return value }
        return nil
    }

    /// The EMAILID item (RFC 8474), if present.
    var emailID: String? {
        for case .emailID(let value) in self { return value }
        return nil
    }

    /// The RFC822.SIZE item, if present.
    var rfc822Size: UInt64? {
        for case .rfc822Size(let value) in self { return value }
        return nil
    }

    /// The data of `BODY[section]` (or `BINARY[section]`), if present.
    func body(section: String) -> [UInt8]? {
        for attribute in self {
            switch attribute {
            case .body(let name, _, let data) where name.caseInsensitiveCompare(section) == .orderedSame:
                return data ?? []
            case .binary(let name, let data) where name.caseInsensitiveCompare(section) == .orderedSame:
                return data ?? []
            default:
                continue
            }
        }
        return nil
    }
}
