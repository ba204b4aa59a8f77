/// One annotation (RFC 5464 §2): an entry name such as `/private/comment` and its
/// value, nil when the entry has none (NIL, or an unsolicited change notice).
struct MetadataEntry: Equatable, Sendable {
    /// The entry's name.
    var name: String
    /// The value's bytes.
    var value: [UInt8]?
}

extension ParseBuffer {
    /// `METADATA` data (RFC 5464 §4.4): `mailbox SP (entry SP value *(SP entry SP
    /// value))`, values being nstrings or literal8; or, unsolicited (§4.4.2), `mailbox
    /// SP entry *(SP entry)`: changed entries without values.
    mutating func metadataData() throws(ParseError) -> (mailbox: String, entries: [MetadataEntry], changedOnly: Bool) {
        let mailbox = try mailboxName()
        try space()
        var entries: [MetadataEntry] = []
        guard consume(UInt8(ascii: "(")) else {
            repeat {
                entries.append(MetadataEntry(name: try astringText(), value: nil))
            } while consume(UInt8(ascii: " "))
            return (mailbox, entries, true)
        }
        while !consume(UInt8(ascii: ")")) {
            if !entries.isEmpty { try space() }
            let name = try astringText()
            try space()
            entries.append(MetadataEntry(name: name, value: try nstring()))
        }
        return (mailbox, entries, false)
    }
}
