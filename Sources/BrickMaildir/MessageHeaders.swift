import Foundation
import Glibc

/// Just enough RFC 5322 header reading to tell whether a message is already in a folder.
enum MessageHeaders {
    /// How many bytes of a message are searched for the Message-ID, as the catalog does.
    static let searchLimit = 256 * 1024

    /// The normalized Message-ID of a message whose header is `header` (see
    /// `normalizedMessageID`): the first `Message-ID` field within `searchLimit`
    /// bytes, unfolded. A line that is neither a field nor a continuation ends the
    /// field. Nil when there is none or nothing is left of it.
    static func messageID(in header: [UInt8]) -> String? {
        var value: [UInt8]?
        var collecting = false
        for var line in header.prefix(searchLimit).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty { break }
            if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
                if collecting { value?.append(contentsOf: line) }
                continue
            }
            if collecting { break }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            if name.trimmingCharacters(in: CharacterSet(charactersIn: " \t")).lowercased() == "message-id" {
                value = Array(line[line.index(after: colon)...])
                collecting = true
            }
        }
        return value.flatMap(normalizedMessageID)
    }

    /// The Message-ID the way the catalog and the restore engine compare it: the text
    /// of the first `<…>` without the brackets (or, without brackets, the first word),
    /// with white space and control characters removed; bytes that are not UTF-8 read
    /// as windows-1252. Nil when nothing is left.
    static func normalizedMessageID(_ raw: [UInt8]) -> String? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        let bytes: ArraySlice<UInt8>
        if let open = raw.firstIndex(of: UInt8(ascii: "<")) {
            let close = raw[(open + 1)...].firstIndex(of: UInt8(ascii: ">")) ?? raw.endIndex
            bytes = raw[(open + 1)..<close]
        } else {
            let start = raw.firstIndex { !isSpace($0) } ?? raw.endIndex
            let end = raw[start...].firstIndex(where: isSpace) ?? raw.endIndex
            bytes = raw[start..<end]
        }
        let kept = bytes.filter { !isSpace($0) && $0 >= 0x20 && $0 != 0x7F }
        guard !kept.isEmpty else { return nil }
        let text = String(decoding: kept, as: UTF8.self)
        if text.utf8.elementsEqual(kept) { return text }
        var scalars = String.UnicodeScalarView()
        for byte in kept {
            let value = byte >= 0x80 && byte < 0xA0 ? UInt32(windows1252High[Int(byte - 0x80)]) : UInt32(byte)
            scalars.append(UnicodeScalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    /// Windows-1252's characters for bytes 0x80–0x9F; its five undefined bytes map to
    /// the C1 controls of the same value.
    private static let windows1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// The bytes of the file at `path` up to and including the blank line that ends its
    /// header (the whole file when it has none), and whether the end was found.
    static func readHeader(_ path: String, limit: Int = searchLimit) throws -> (bytes: [UInt8], complete: Bool)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw MaildirError.systemCall(function: "open", path: path, errno: errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while bytes.count < limit {
            let count = try chunk.withUnsafeMutableBytes { buffer in
                try POSIX.posixCall("read", path: path) {
                    Int32(truncatingIfNeeded: read(fd, buffer.baseAddress!, buffer.count))
                }
            }
            if count == 0 { return (bytes, false) }
            let searchStart = max(0, bytes.count - 3)
            bytes.append(contentsOf: chunk[0..<Int(count)])
            if let end = blankLineEnd(bytes, from: searchStart) { return (Array(bytes[0..<end]), true) }
        }
        return (bytes, false)
    }

    /// The index just past the first empty line (`\n\n` or `\n\r\n`), searching from `start`.
    static func blankLineEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        if bytes.first == UInt8(ascii: "\n") { return 1 }
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "\r"), bytes[1] == UInt8(ascii: "\n") { return 2 }
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { return index + 2 }
                if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"), bytes[index + 2] == UInt8(ascii: "\n") {
                    return index + 3
                }
            }
            index += 1
        }
        return nil
    }
}
