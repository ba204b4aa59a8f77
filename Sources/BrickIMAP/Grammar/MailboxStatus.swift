/// The values of a `STATUS` response (RFC 9051 §7.3.2, RFC 7162, RFC 8438, RFC 8474),
/// which LIST-STATUS (RFC 5819) also sends after each LIST entry.
struct MailboxStatus: Equatable, Sendable {
    var messages: UInt32?
    var recent: UInt32?
    var uidNext: UInt32?
    var uidValidity: UInt32?
    var unseen: UInt32?
    var highestModSeq: UInt64?
    var size: UInt64?
    var mailboxID: String?
}

extension ParseBuffer {
    /// `mailbox SP "(" status-att-list ")"` after `STATUS `.
    mutating func mailboxStatus() throws(ParseError) -> (name: String, status: MailboxStatus) {
        let name = try mailboxName()
        try space()
        var status = MailboxStatus()
        try expect(UInt8(ascii: "("))
        while !consume(UInt8(ascii: ")")) {
            let attribute = try atom().uppercased()
            try space()
            switch attribute {
            case "MESSAGES": status.messages = try number()
            case "RECENT": status.recent = try number()
            case "UIDNEXT": status.uidNext = try number()
            case "UIDVALIDITY": status.uidValidity = try number()
            case "UNSEEN": status.unseen = try number()
            case "HIGHESTMODSEQ": status.highestModSeq = try number(UInt64.self)
            case "SIZE": status.size = try number(UInt64.self)
            case "MAILBOXID": status.mailboxID = try objectIDIfValid()
            default: try skipValue()
            }
            _ = consume(UInt8(ascii: " "))
        }
        return (name, status)
    }
}
