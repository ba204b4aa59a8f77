import Foundation
import BrickCore

extension MessageFingerprint {
    /// The fingerprint every restore target and the restore engine agree on: the
    /// Message-ID without angle brackets, or `sha256:<hex>` of the raw bytes when the
    /// message has none; and the internal date in whole seconds (rounded down).
    public init(raw: [UInt8], messageID: String?, internalDate: Date) {
        let identity = MessageFingerprint.identity(raw: raw, messageID: messageID)
        self.init(identity: identity, internalDate: MessageFingerprint.seconds(internalDate))
    }

    /// The fingerprint of an item about to be restored whose bytes are in `raw` (for
    /// one whose bytes are in `stream`, see `restoring(stream:messageID:internalDate:)`).
    public init(restoring item: RestoreItem) {
        self.init(raw: item.raw, messageID: item.messageID, internalDate: item.internalDate)
    }

    /// The identity part: a normalized Message-ID (given, or read from `raw`), else
    /// the content digest.
    public static func identity(raw: [UInt8], messageID: String?) -> String {
        if let messageID, let normalized = HeaderValue.messageID(Array(messageID.utf8)) { return normalized }
        if let parsed = MessageSummary(parsing: raw).messageID { return parsed }
        return digestIdentity(raw)
    }

    /// `sha256:<hex>` of `bytes` with every bare LF written as CRLF. IMAP servers hand
    /// messages back with CRLF line ends whatever was stored (Dovecot keeps a bare-LF
    /// message as sent but FETCH gives CRLF), so the digest is of that canonical form:
    /// the same message gives the same identity from a Maildir file, an mbox and a server.
    public static func digestIdentity(_ bytes: [UInt8]) -> String {
        "sha256:" + SHA256Digest.hex(LineEnds.crlf(bytes))
    }

    /// The digest that decides whether a copy at a target is the message being
    /// restored: `sha256:<hex>` of the bytes with bare LF written as CRLF (servers hand
    /// back CRLF) and the line breaks at the end left out (an mbox entry or a server
    /// may add or drop the last one). Message-ID and date only narrow the search.
    public static func contentDigest(_ bytes: [UInt8]) -> String {
        var canonical = LineEnds.crlf(bytes)
        while let last = canonical.last, last == 0x0A || last == 0x0D { canonical.removeLast() }
        return "sha256:" + SHA256Digest.hex(canonical)
    }

    /// Whole seconds since 1970, rounded down.
    public static func seconds(_ date: Date) -> Int64 {
        UTCDateTime(date).secondsSince1970
    }
}
