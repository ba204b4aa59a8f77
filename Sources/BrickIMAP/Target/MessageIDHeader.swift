/// Reads the Message-ID from the bytes of `BODY[HEADER.FIELDS (MESSAGE-ID)]`, in the
/// form every restore target reports it: the id without angle brackets, white space
/// and control characters (`abc@example.org`), as the restore engine computes it for
/// the items it restores.
enum MessageIDHeader {
    /// The normalized id, or nil when the message has none or it is empty.
    static func value(in header: [UInt8]) -> String? {
        guard let raw = fieldValue(in: header) else { return nil }
        var bytes = raw[...]
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
        return String(decoding: kept, as: UTF8.self)
    }

    /// The unfolded value of the first Message-ID field.
    private static func fieldValue(in header: [UInt8]) -> [UInt8]? {
        var lines: [[UInt8]] = []
        for line in header.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var content = Array(line)
            if content.last == UInt8(ascii: "\r") { content.removeLast() }
            if let first = content.first, first == 0x20 || first == 0x09, !lines.isEmpty {
                lines[lines.count - 1] += content
            } else {
                lines.append(content)
            }
        }
        let name = Array("message-id".utf8)
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let field = line[..<colon].filter { !isSpace($0) }.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
            if field == name { return Array(line[(colon + 1)...]) }
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}
