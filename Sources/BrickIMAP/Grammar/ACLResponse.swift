/// One entry of a mailbox's access control list (RFC 4314 §2).
struct ACLEntry: Equatable, Sendable {
    /// Who the rights are for: a user, `anyone`, `$group` (Dovecot), `-user` for
    /// negative rights.
    var identifier: String
    /// The rights, as letters (`lrswipkxtea`).
    var rights: String
}

extension ParseBuffer {
    /// `ACL` data (RFC 4314 §3.6): `mailbox *(SP identifier SP rights)`, after the
    /// keyword and its space.
    mutating func aclData() throws(ParseError) -> (mailbox: String, entries: [ACLEntry]) {
        let mailbox = try mailboxName()
        var entries: [ACLEntry] = []
        while consume(UInt8(ascii: " ")) {
            if atEndOfLine() { break }
            let identifier = try astringText()
            try space()
            entries.append(ACLEntry(identifier: identifier, rights: try astringText()))
        }
        return (mailbox, entries)
    }

    /// `MYRIGHTS` data (RFC 4314 §3.8): `mailbox SP rights`.
    mutating func myRightsData() throws(ParseError) -> (mailbox: String, rights: String) {
        let mailbox = try mailboxName()
        try space()
        return (mailbox, try astringText())
    }
}
