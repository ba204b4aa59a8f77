/// One `LIST` or `LSUB` response (RFC 9051 §7.3.1, RFC 5258, RFC 6154).
struct MailboxListEntry: Equatable, Sendable {
    /// Attributes such as `\HasNoChildren`, `\Noselect`, `\Junk`, as sent.
    var attributes: [String]
    /// The hierarchy delimiter, or nil for a flat namespace.
    var delimiter: Character?
    /// The mailbox name as sent (modified UTF-7 unless UTF8=ACCEPT is enabled).
    var name: String

    /// True when the mailbox cannot be selected (`\Noselect` or `\NonExistent`).
    var isSelectable: Bool {
        !attributes.contains { ["\\NOSELECT", "\\NONEXISTENT"].contains($0.uppercased()) }
    }

    /// The special use announced among the attributes.
    var specialUseAttribute: String? {
        attributes.first { ["\\ALL", "\\ARCHIVE", "\\DRAFTS", "\\FLAGGED", "\\JUNK", "\\SENT", "\\TRASH"].contains($0.uppercased()) }
    }
}

extension ParseBuffer {
    /// `mailbox-list`: `(attributes) delimiter name [extended data]`.
    mutating func mailboxListEntry() throws(ParseError) -> MailboxListEntry {
        let attributes = try list { (buffer: inout ParseBuffer) throws(ParseError) in try buffer.flag() }
        try space()
        var delimiter: Character?
        if !consume(word: "NIL") {
            let bytes = try quoted()
            guard bytes.count == 1 else { throw error("one-character delimiter") }
            delimiter = Character(UnicodeScalar(bytes[0]))
        }
        try space()
        let name = try mailboxName()
        if consume(UInt8(ascii: " ")) && !atEndOfLine() {
            try skipValue()
        }
        return MailboxListEntry(attributes: attributes, delimiter: delimiter, name: name)
    }

    /// A mailbox name (an astring); `INBOX` in any case is normalised to `INBOX`.
    mutating func mailboxName() throws(ParseError) -> String {
        let name = try astringText()
        return name.uppercased() == "INBOX" ? "INBOX" : name
    }
}
