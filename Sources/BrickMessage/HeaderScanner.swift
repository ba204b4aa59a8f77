#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The header fields the catalog reads, as unfolded raw bytes.
struct RawHeaderFields {
    /// The fields looked for, by lowercase name.
    enum Field: Int, CaseIterable {
        case messageID, from, to, cc, subject, date

        /// The lowercase field name.
        var name: [UInt8] {
            switch self {
            case .messageID: Array("message-id".utf8)
            case .from: Array("from".utf8)
            case .to: Array("to".utf8)
            case .cc: Array("cc".utf8)
            case .subject: Array("subject".utf8)
            case .date: Array("date".utf8)
            }
        }

        /// Whether later occurrences add to the first (address lists) or are ignored.
        var accumulates: Bool { self == .to || self == .cc }
    }

    /// Unfolded values, indexed by `Field.rawValue`; nil when the field is absent.
    var values: [[UInt8]?] = Array(repeating: nil, count: Field.allCases.count)

    /// The value of `field`, unfolded, or nil when absent.
    subscript(field: Field) -> [UInt8]? { values[field.rawValue] }
}

/// Finds header fields in the header block of a raw message.
///
/// The block ends at the first empty line (CRLF or LF), at `limit` bytes, or at the
/// end of the input. Field names match case-insensitively, with white space allowed
/// before the colon (RFC 5322 §4.5 obsolete syntax). A line that is neither a field
/// nor a continuation (an mbox `From ` line, garbage) ends the current field and is
/// skipped. Unfolding removes the line breaks and keeps the white space that follows
/// them (RFC 5322 §2.2.3).
enum HeaderScanner {
    /// How many bytes of a message are searched for header fields at most.
    static let limit = 256 * 1024

    private static let fieldNames: [[UInt8]] = RawHeaderFields.Field.allCases.map(\.name)

    /// Scans `buffer` and returns the wanted fields.
    static func scan(_ buffer: UnsafeBufferPointer<UInt8>) -> RawHeaderFields {
        var fields = RawHeaderFields()
        guard let base = buffer.baseAddress else { return fields }
        let end = min(buffer.count, limit)
        var position = 0
        var current: RawHeaderFields.Field?
        var currentStart = 0
        var currentEnd = 0

        func close() {
            guard let field = current else { return }
            let value = unfold(buffer, from: currentStart, to: currentEnd)
            if field.accumulates, let existing = fields.values[field.rawValue] {
                fields.values[field.rawValue] = existing + [UInt8(ascii: ",")] + value
            } else if fields.values[field.rawValue] == nil {
                fields.values[field.rawValue] = value
            }
            current = nil
        }

        while position < end {
            let lineEnd: Int
            if let found = memchr(base + position, 0x0A, end - position) {
                lineEnd = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            } else {
                lineEnd = end
            }
            var contentEnd = lineEnd
            if contentEnd > position && buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            if contentEnd == position { break }
            let first = buffer[position]
            if first == 0x20 || first == 0x09 {
                if current != nil { currentEnd = contentEnd }
            } else {
                close()
                if let colon = memchr(base + position, 0x3A, contentEnd - position) {
                    let colonIndex = base.distance(to: colon.assumingMemoryBound(to: UInt8.self))
                    if let field = match(buffer, from: position, to: colonIndex),
                        field.accumulates || fields.values[field.rawValue] == nil
                    {
                        current = field
                        currentStart = colonIndex + 1
                        currentEnd = contentEnd
                    }
                }
            }
            position = lineEnd + 1
        }
        close()
        return fields
    }

    /// The field whose name is `buffer[start..<end]` (trailing white space ignored).
    private static func match(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int)
        -> RawHeaderFields.Field?
    {
        var nameEnd = end
        while nameEnd > start && (buffer[nameEnd - 1] == 0x20 || buffer[nameEnd - 1] == 0x09) { nameEnd -= 1 }
        let length = nameEnd - start
        guard length >= 2 && length <= 10 else { return nil }
        candidates: for (index, name) in fieldNames.enumerated() where name.count == length {
            for offset in 0..<length {
                var byte = buffer[start + offset]
                if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                if byte != name[offset] { continue candidates }
            }
            return RawHeaderFields.Field(rawValue: index)
        }
        return nil
    }

    /// The bytes of `buffer[start..<end]` without CR and LF, trimmed of outer white space.
    private static func unfold(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> [UInt8] {
        var low = start
        var high = end
        while low < high && isSpace(buffer[low]) { low += 1 }
        while high > low && isSpace(buffer[high - 1]) { high -= 1 }
        let slice = UnsafeBufferPointer(rebasing: buffer[low..<high])
        if !slice.contains(0x0A) && !slice.contains(0x0D) { return Array(slice) }
        var output: [UInt8] = []
        output.reserveCapacity(high - low)
        for index in low..<high {
            let byte = buffer[index]
            if byte != 0x0D && byte != 0x0A { output.append(byte) }
        }
        return output
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}
