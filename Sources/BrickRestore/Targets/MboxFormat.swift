import BrickMessage
import Foundation

/// The mboxrd format as the mbox target writes and reads it.
///
/// Each message is a `From ` separator line (`From sender asctime-date`), the message
/// with its line endings turned into LF, and one empty line. A message line that starts
/// with any number of `>` followed by `From ` gets one more `>`; reading takes one away,
/// so quoting is reversible (unlike mboxo, which quotes only `From `).
enum MboxFormat {
    /// The sender written when the message has no usable From address.
    static let unknownSender = "MAILER-DAEMON"

    private static let fromPrefix: [UInt8] = Array("From ".utf8)
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The complete entry for one message: separator line, quoted message, empty line.
    static func entry(raw: [UInt8], sender: String?, internalDate: Date) -> [UInt8] {
        var output = separatorLine(sender: sender, date: internalDate)
        output.reserveCapacity(output.count + raw.count + raw.count / 64 + 2)
        appendQuoted(raw, to: &output)
        output.append(0x0A)
        return output
    }

    /// `From sender Www Mmm dd hh:mm:ss yyyy` and LF, the date in UTC as asctime writes it.
    static func separatorLine(sender: String?, date: Date) -> [UInt8] {
        let time = UTCDateTime(date)
        let day = time.day < 10 ? " \(time.day)" : "\(time.day)"
        let clock = [time.hour, time.minute, time.second].map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(separator: ":")
        let line = "From \(usableSender(sender)) \(weekdays[time.weekday]) \(months[time.month - 1]) \(day) \(clock) \(time.year)\n"
        return Array(line.utf8)
    }

    /// `sender` when it can stand in a separator line (printable, no white space).
    static func usableSender(_ sender: String?) -> String {
        guard let sender, !sender.isEmpty,
            sender.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F })
        else { return unknownSender }
        return sender
    }

    /// Appends `raw` with CRLF turned into LF, `>*From ` lines quoted, and a final LF
    /// when the message lacks one.
    static func appendQuoted(_ raw: [UInt8], to output: inout [UInt8]) {
        var lineStart = 0
        var index = 0
        let count = raw.count
        while lineStart < count {
            index = lineStart
            while index < count && raw[index] != 0x0A { index += 1 }
            var contentEnd = index
            if contentEnd > lineStart && raw[contentEnd - 1] == 0x0D && index < count { contentEnd -= 1 }
            if needsQuote(raw, at: lineStart, end: contentEnd) { output.append(UInt8(ascii: ">")) }
            output.append(contentsOf: raw[lineStart..<contentEnd])
            output.append(0x0A)
            lineStart = index + 1
        }
    }

    /// Whether the line at `start` is `>*From `.
    private static func needsQuote(_ bytes: [UInt8], at start: Int, end: Int) -> Bool {
        var index = start
        while index < end && bytes[index] == UInt8(ascii: ">") { index += 1 }
        guard end - index >= fromPrefix.count else { return false }
        for offset in 0..<fromPrefix.count where bytes[index + offset] != fromPrefix[offset] { return false }
        return true
    }

    /// One message found in an mbox file.
    struct StoredMessage {
        /// The whole entry: from the separator line to the next one (or the end).
        var entry: Range<Int>
        /// The separator line, without its LF.
        var separator: Range<Int>
        /// The quoted message, without the empty line that ends the entry.
        var content: Range<Int>
    }

    /// Splits an mbox file into messages: every line that starts with `From ` begins one.
    /// Bytes before the first separator line are ignored.
    static func messages(in file: UnsafeRawBufferPointer) -> [StoredMessage] {
        let bytes = file.assumingMemoryBound(to: UInt8.self)
        var starts: [Int] = []
        var lineStart = 0
        while lineStart < bytes.count {
            if startsWithFrom(bytes, at: lineStart) { starts.append(lineStart) }
            guard let newline = nextNewline(bytes, from: lineStart) else { break }
            lineStart = newline + 1
        }
        var result: [StoredMessage] = []
        result.reserveCapacity(starts.count)
        for (number, start) in starts.enumerated() {
            let end = number + 1 < starts.count ? starts[number + 1] : bytes.count
            let separatorEnd = nextNewline(bytes, from: start).map { min($0, end) } ?? end
            var contentEnd = end
            if contentEnd > separatorEnd + 1 && bytes[contentEnd - 1] == 0x0A { contentEnd -= 1 }
            if contentEnd > separatorEnd + 1 && bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let contentStart = min(separatorEnd + 1, contentEnd)
            result.append(StoredMessage(entry: start..<end, separator: start..<separatorEnd, content: contentStart..<contentEnd))
        }
        return result
    }

    /// The message with one `>` taken from each `>+From ` line.
    static func unquoted(_ content: UnsafeRawBufferPointer) -> [UInt8] {
        let bytes = content.assumingMemoryBound(to: UInt8.self)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = nextNewline(bytes, from: lineStart).map { $0 + 1 } ?? bytes.count
            var skip = 0
            if bytes[lineStart] == UInt8(ascii: ">") {
                var index = lineStart
                while index < lineEnd && bytes[index] == UInt8(ascii: ">") { index += 1 }
                if startsWithFrom(bytes, at: index) { skip = 1 }
            }
            output.append(contentsOf: bytes[(lineStart + skip)..<lineEnd])
            lineStart = lineEnd
        }
        return output
    }

    /// The internal date a separator line carries, or nil when it has none readable.
    static func date(ofSeparator line: UnsafeRawBufferPointer) -> Date? {
        let bytes = Array(line.assumingMemoryBound(to: UInt8.self))
        guard bytes.count > fromPrefix.count else { return nil }
        var index = fromPrefix.count
        while index < bytes.count && bytes[index] == 0x20 { index += 1 }
        while index < bytes.count && bytes[index] != 0x20 { index += 1 }
        return MessageDate.parse(String(decoding: bytes[index...], as: UTF8.self))
    }

    private static func startsWithFrom(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard bytes.count - start >= fromPrefix.count else { return false }
        for offset in 0..<fromPrefix.count where bytes[start + offset] != fromPrefix[offset] { return false }
        return true
    }

    private static func nextNewline(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
