/// Splits iCalendar or vCard bytes into unfolded content lines.
///
/// Lines end in CRLF or a bare LF (many servers and files use LF); a line break
/// followed by a space or a tab is a fold and is removed with that one whitespace
/// character. Bytes that are not UTF-8 are kept as they are. Properties named in
/// `skippingValues` (embedded photos, attachments: megabytes of base64 the summary
/// never needs) are returned with an empty value and no raw line, so their bytes are
/// only scanned for line ends.
enum ContentLineReader {
    /// The properties whose values the summary never reads.
    static let bulkyProperties: Set<String> = ["PHOTO", "LOGO", "SOUND", "KEY", "ATTACH"]

    /// The unfolded lines of `bytes`, empty lines left out.
    static func lines(_ bytes: [UInt8], skippingValues skipped: Set<String> = []) -> [ContentLine] {
        var lines: [ContentLine] = []
        var current: [UInt8] = []
        var skipping = false
        var nameChecked = false
        var index = 0
        let count = bytes.count
        func endLine() {
            if !skipping, !current.isEmpty, let line = parse(current) { lines.append(line) }
            current.removeAll(keepingCapacity: true)
            skipping = false
            nameChecked = false
        }
        while index < count {
            let byte = bytes[index]
            if byte == 0x0D || byte == 0x0A {
                var next = index + 1
                if byte == 0x0D && next < count && bytes[next] == 0x0A { next += 1 }
                if next < count && (bytes[next] == 0x20 || bytes[next] == 0x09) {
                    index = next + 1
                    continue
                }
                endLine()
                index = next
                continue
            }
            // The run of bytes up to the next line end, taken at once.
            var end = index + 1
            while end < count && bytes[end] != 0x0D && bytes[end] != 0x0A { end += 1 }
            if !skipping {
                let before = current.count
                current.append(contentsOf: bytes[index..<end])
                if !skipped.isEmpty && !nameChecked,
                    let delimiter = current[before...].firstIndex(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ";") })
                {
                    nameChecked = true
                    if skipped.contains(propertyName(current[..<delimiter])), let line = parse(current[..<delimiter] + [UInt8(ascii: ":")]) {
                        lines.append(ContentLine(name: line.name, parameters: [], value: [], raw: []))
                        skipping = true
                    }
                }
            }
            index = end
        }
        endLine()
        return lines
    }

    /// The upper-cased property name of a name prefix, without a vCard group.
    private static func propertyName<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index] == UInt8(ascii: ".") { start = bytes.index(after: index) }
            index = bytes.index(after: index)
        }
        return asciiUppercased(bytes[start...])
    }

    /// `bytes` as text with ASCII letters upper-cased (names are ASCII; anything else
    /// is kept as it decodes).
    private static func asciiUppercased<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(decoding: bytes.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    /// Parses one unfolded line; nil when it has no colon after the name.
    static func parse<Bytes: Collection>(_ line: Bytes) -> ContentLine? where Bytes.Element == UInt8 {
        let raw = Array(line)
        var index = 0
        while index < raw.count && raw[index] != UInt8(ascii: ";") && raw[index] != UInt8(ascii: ":") { index += 1 }
        guard index < raw.count else { return nil }
        let name = propertyName(raw[..<index])
        guard !name.isEmpty else { return nil }
        var parameters: [(name: String, values: [String])] = []
        while index < raw.count && raw[index] == UInt8(ascii: ";") {
            index += 1
            let nameStart = index
            while index < raw.count && !"=;:".utf8.contains(raw[index]) { index += 1 }
            let parameterName = asciiUppercased(raw[nameStart..<index])
            var values: [String] = []
            if index < raw.count && raw[index] == UInt8(ascii: "=") {
                repeat {
                    index += 1
                    if index < raw.count && raw[index] == UInt8(ascii: "\"") {
                        let start = index + 1
                        index = start
                        while index < raw.count && raw[index] != UInt8(ascii: "\"") { index += 1 }
                        values.append(ContentLine.decode(raw[start..<min(index, raw.count)]))
                        if index < raw.count { index += 1 }
                    } else {
                        let start = index
                        while index < raw.count && !",;:".utf8.contains(raw[index]) { index += 1 }
                        values.append(ContentLine.decode(raw[start..<index]))
                    }
                } while index < raw.count && raw[index] == UInt8(ascii: ",")
            }
            parameters.append((parameterName, values))
        }
        guard index < raw.count, raw[index] == UInt8(ascii: ":") else { return nil }
        return ContentLine(name: name, parameters: parameters, value: raw[(index + 1)...], raw: raw)
    }
}
