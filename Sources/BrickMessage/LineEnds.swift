import Foundation

/// Line ends of raw messages. RFC 5322 (and IMAP's APPEND) wants CRLF; a Maildir or
/// mbox keeps whatever the delivery agent wrote, often bare LF. Some servers refuse a
/// bare LF in APPEND (Cyrus: "Message contains bare newlines").
public enum LineEnds {
    /// `bytes` with every LF not preceded by CR written as CRLF; the same array when
    /// there is none. Line feeds are found with `memchr`, so a message that is already
    /// CRLF costs one pass at memory speed and no copy.
    public static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { buffer in
            guard var bare = nextBareLineFeed(in: buffer, from: 0) else { return bytes }
            var canonical: [UInt8] = []
            canonical.reserveCapacity(buffer.count + buffer.count / 32)
            var start = 0
            while true {
                canonical.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<bare]))
                canonical.append(13)
                start = bare
                guard let next = nextBareLineFeed(in: buffer, from: bare + 1) else { break }
                bare = next
            }
            canonical.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start...]))
            return canonical
        }
    }

    /// The index of the first LF at or after `start` whose previous byte is not CR.
    private static func nextBareLineFeed(in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = buffer.baseAddress else { return nil }
        var position = start
        while position < buffer.count {
            guard let found = memchr(base + position, 0x0A, buffer.count - position) else { return nil }
            let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if index == 0 || base[index - 1] != 13 { return index }
            position = index + 1
        }
        return nil
    }
}
