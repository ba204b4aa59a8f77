import Foundation

/// What the backup catalog keeps of a message's header: identity, sender,
/// recipients, subject and sent date.
///
/// Built from the raw RFC 5322 bytes (CRLF or LF, 8-bit allowed, malformed tolerated).
/// Only the header block is read: up to the first empty line, and never more than
/// `HeaderScanner.limit` bytes, so a 50 MB message costs no more than a small one.
/// Parsing never fails; a field that is missing or unreadable is nil or empty.
///
/// Header names match case-insensitively and the first occurrence of a field wins,
/// except `To` and `Cc`, whose repeated occurrences are joined. Raw 8-bit bytes are
/// read as UTF-8 when valid, otherwise as windows-1252; RFC 2047 encoded words are
/// decoded in the subject and in display names.
public struct MessageSummary: Sendable, Equatable {
    /// The Message-ID without its angle brackets (`1234@example.com`), as written
    /// (case kept); nil when absent or empty.
    public var messageID: String?
    /// The first From address, lowercased.
    public var fromAddress: String?
    /// The display name of the first From mailbox, decoded.
    public var fromName: String?
    /// The To addresses, lowercased, in order (group members included).
    public var to: [String]
    /// The Cc addresses, lowercased, in order.
    public var cc: [String]
    /// The subject, decoded, with control characters turned into spaces and outer
    /// white space trimmed; empty when the header is present but blank, nil when absent.
    public var subject: String?
    /// The Date header as a moment; nil when absent or unreadable.
    public var sentDate: Date?

    /// Creates a summary from its fields.
    public init(
        messageID: String? = nil, fromAddress: String? = nil, fromName: String? = nil,
        to: [String] = [], cc: [String] = [], subject: String? = nil, sentDate: Date? = nil
    ) {
        self.messageID = messageID
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.to = to
        self.cc = cc
        self.subject = subject
        self.sentDate = sentDate
    }

    /// Reads the summary from a raw message.
    public init(parsing raw: [UInt8]) {
        self = raw.withUnsafeBufferPointer { MessageSummary(scanning: $0) }
    }

    /// Reads the summary from raw message bytes in memory someone else owns (a
    /// mapped file, a slice of a larger buffer).
    public init(parsing raw: UnsafeRawBufferPointer) {
        self = MessageSummary(scanning: raw.assumingMemoryBound(to: UInt8.self))
    }

    private init(scanning buffer: UnsafeBufferPointer<UInt8>) {
        let fields = HeaderScanner.scan(buffer)
        self.init()
        if let value = fields[.messageID] { messageID = HeaderValue.messageID(value) }
        if let value = fields[.from], let first = AddressParser.parse(utf8: HeaderText.utf8(value)).first {
            fromAddress = first.address
            fromName = first.name
        }
        if let value = fields[.to] { to = AddressParser.parse(utf8: HeaderText.utf8(value)).map(\.address) }
        if let value = fields[.cc] { cc = AddressParser.parse(utf8: HeaderText.utf8(value)).map(\.address) }
        if let value = fields[.subject] {
            subject = HeaderValue.cleanText(EncodedWords.decode(utf8: HeaderText.utf8(value)))
        }
        if let value = fields[.date] { sentDate = MessageDate.parse(utf8: value) }
    }
}

extension MessageSummary {
    /// Bytes of a message's start parsed for the summary of a message too large to
    /// hold (256 KiB): the header of any real message ends before.
    public static let headerPrefix = 256 << 10
}
