import NIOCore

/// One server response (RFC 9051 §7).
enum Response: Equatable, Sendable {
    /// `* …`: data or status the server sends at any time.
    case untagged(UntaggedResponse)
    /// `tag OK|NO|BAD …`: the completion of one command.
    case tagged(TaggedResponse)
    /// `+ …`: the server waits for a literal or a SASL response.
    case continuation(String)
}

/// The completion of one command.
struct TaggedResponse: Equatable, Sendable {
    /// The command's tag.
    var tag: String
    /// OK, NO or BAD.
    var status: CompletionStatus
    /// The text, with its code.
    var text: ResponseText
}

/// How a command completed.
enum CompletionStatus: String, Equatable, Sendable {
    case ok = "OK"
    case no = "NO"
    case bad = "BAD"
}

/// The kinds of untagged status response.
enum UntaggedStatus: String, Equatable, Sendable {
    case ok = "OK"
    case no = "NO"
    case bad = "BAD"
    case preauth = "PREAUTH"
    case bye = "BYE"
}

/// Untagged data and status responses.
enum UntaggedResponse: Equatable, Sendable {
    case status(UntaggedStatus, ResponseText)
    case capability([String])
    case enabled([String])
    case id([IDField])
    case namespace(NamespaceResponse)
    case list(MailboxListEntry)
    case lsub(MailboxListEntry)
    case mailboxStatus(name: String, status: MailboxStatus)
    case flags([String])
    case exists(UInt32)
    case recent(UInt32)
    case expunge(UInt32)
    case fetch(sequence: UInt32, attributes: [FetchAttribute])
    /// `VANISHED [(EARLIER)] uid-set` (RFC 7162 §3.2.10).
    case vanished(earlier: Bool, uids: UIDSet)
    case search([UInt32])
    /// `ACL mailbox identifier rights …` (RFC 4314).
    case acl(mailbox: String, entries: [ACLEntry])
    /// `MYRIGHTS mailbox rights` (RFC 4314).
    case myRights(mailbox: String, rights: String)
    /// `METADATA mailbox (entry value …)` (RFC 5464); `changedOnly` for the unsolicited
    /// form naming changed entries without values.
    case metadata(mailbox: String, entries: [MetadataEntry], changedOnly: Bool)
    /// A response Brick does not interpret, by keyword, with the rest of its line.
    case other(String, String)
}

/// Parses complete response frames.
enum ResponseParser {
    /// Parses one frame, as cut by `ResponseFramer`.
    static func parse(_ frame: ResponseFrame) throws(ParseError) -> Response {
        var buffer = ParseBuffer(frame)
        let response = try parse(&buffer)
        try buffer.endOfLine()
        return response
    }

    /// Parses one complete response given as bytes (nothing before or after it).
    static func parse(_ bytes: [UInt8]) throws(ParseError) -> Response {
        var framer = ResponseFramer()
        framer.append(bytes)
        guard let frame = try framer.nextFrame() else {
            throw ParseError(expected: "a complete response", offset: bytes.count)
        }
        guard framer.bufferedByteCount == 0 else {
            throw ParseError(expected: "end of response", offset: bytes.count - framer.bufferedByteCount)
        }
        return try parse(frame)
    }

    private static func parse(_ buffer: inout ParseBuffer) throws(ParseError) -> Response {
        if buffer.consume(UInt8(ascii: "+")) {
            _ = buffer.consume(UInt8(ascii: " "))
            return .continuation(buffer.text())
        }
        if buffer.consume(UInt8(ascii: "*")) {
            try buffer.space()
            return .untagged(try untagged(&buffer))
        }
        let tag = try buffer.take("tag", while: { Grammar.isAStringChar($0) && $0 != UInt8(ascii: "+") }).utf8String
        try buffer.space()
        let word = try buffer.atom().uppercased()
        guard let status = CompletionStatus(rawValue: word) else { throw buffer.error("OK, NO or BAD") }
        _ = buffer.consume(UInt8(ascii: " "))
        return .tagged(TaggedResponse(tag: tag, status: status, text: try buffer.responseText()))
    }

    private static func untagged(_ buffer: inout ParseBuffer) throws(ParseError) -> UntaggedResponse {
        if let first = buffer.peek(), Grammar.isDigit(first) {
            return try numbered(&buffer)
        }
        let keyword = try buffer.atom().uppercased()
        if let status = UntaggedStatus(rawValue: keyword) {
            _ = buffer.consume(UInt8(ascii: " "))
            return .status(status, try buffer.responseText())
        }
        switch keyword {
        case "CAPABILITY": return .capability(try buffer.atomsToEndOfLine())
        case "ENABLED": return .enabled(try buffer.atomsToEndOfLine())
        case "ID":
            try buffer.space()
            return .id(try buffer.idParameters())
        case "NAMESPACE":
            try buffer.space()
            return .namespace(try buffer.namespaceResponse())
        case "LIST", "LSUB":
            try buffer.space()
            let entry = try buffer.mailboxListEntry()
            return keyword == "LIST" ? .list(entry) : .lsub(entry)
        case "STATUS":
            try buffer.space()
            let (name, status) = try buffer.mailboxStatus()
            return .mailboxStatus(name: name, status: status)
        case "FLAGS":
            try buffer.space()
            return .flags(try buffer.list { (inner: inout ParseBuffer) throws(ParseError) in try inner.flag() })
        case "VANISHED":
            try buffer.space()
            var earlier = false
            if buffer.consume(word: "(EARLIER)") {
                earlier = true
                try buffer.space()
            }
            return .vanished(earlier: earlier, uids: try buffer.uidSet())
        case "ACL":
            try buffer.space()
            let (mailbox, entries) = try buffer.aclData()
            return .acl(mailbox: mailbox, entries: entries)
        case "MYRIGHTS":
            try buffer.space()
            let (mailbox, rights) = try buffer.myRightsData()
            return .myRights(mailbox: mailbox, rights: rights)
        case "METADATA":
            try buffer.space()
            let (mailbox, entries, changedOnly) = try buffer.metadataData()
            return .metadata(mailbox: mailbox, entries: entries, changedOnly: changedOnly)
        case "SEARCH":
            var numbers: [UInt32] = []
            while buffer.consume(UInt8(ascii: " ")) {
                if buffer.peek() == UInt8(ascii: "(") {
                    try buffer.skipValue()
                } else if !buffer.atEndOfLine() {
                    numbers.append(try buffer.number())
                }
            }
            return .search(numbers)
        default:
            _ = buffer.consume(UInt8(ascii: " "))
            return .other(keyword, buffer.text())
        }
    }

    private static func numbered(_ buffer: inout ParseBuffer) throws(ParseError) -> UntaggedResponse {
        let number: UInt32 = try buffer.number()
        try buffer.space()
        let keyword = try buffer.atom().uppercased()
        switch keyword {
        case "EXISTS": return .exists(number)
        case "RECENT": return .recent(number)
        case "EXPUNGE": return .expunge(number)
        case "FETCH":
            try buffer.space()
            return .fetch(sequence: number, attributes: try buffer.fetchAttributes())
        default:
            _ = buffer.consume(UInt8(ascii: " "))
            let rest = buffer.text()
            return .other(keyword, rest.isEmpty ? "\(number)" : "\(number) \(rest)")
        }
    }
}
