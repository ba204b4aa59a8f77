/// Line ends of raw messages. RFC 5322 (and IMAP's APPEND) wants CRLF; a Maildir or
/// mbox keeps whatever the delivery agent wrote, often bare LF. Some servers refuse a
/// bare LF in APPEND (Cyrus: "Message contains bare newlines").
public enum LineEnds {
    /// `bytes` with every LF not preceded by CR written as CRLF; the same array when
    /// there is none.
    public static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        var previous: UInt8 = 0
        guard bytes.contains(where: { byte in
            defer { previous = byte }
            return byte == 10 && previous != 13
        }) else { return bytes }
        var canonical: [UInt8] = []
        canonical.reserveCapacity(bytes.count + bytes.count / 32)
        previous = 0
        for byte in bytes {
            if byte == 10 && previous != 13 { canonical.append(13) }
            canonical.append(byte)
            previous = byte
        }
        return canonical
    }
}
