/// Writes content lines folded as RFC 5545 §3.1 and RFC 6350 §3.2 ask: at most 75
/// octets a line, continuation lines starting with one space, never inside a UTF-8
/// sequence, CRLF line ends.
enum LineFolding {
    /// The octets of a line before it is folded.
    static let width = 75

    /// Appends `line` (unfolded, without a line end) folded, with CRLF, to `output`.
    static func append<Bytes: Collection>(_ line: Bytes, to output: inout [UInt8]) where Bytes.Element == UInt8, Bytes.Index == Int {
        var start = line.startIndex
        var limit = width
        while line.endIndex - start > limit {
            var cut = start + limit
            while cut > start + 1 && line[cut] & 0xC0 == 0x80 { cut -= 1 }
            output.append(contentsOf: line[start..<cut])
            output.append(contentsOf: [0x0D, 0x0A, 0x20])
            start = cut
            limit = width - 1
        }
        output.append(contentsOf: line[start..<line.endIndex])
        output.append(contentsOf: [0x0D, 0x0A])
    }

    /// Appends `BEGIN:NAME`, the component's properties and children, `END:NAME`.
    static func append(_ component: Component, to output: inout [UInt8]) {
        append(Array("BEGIN:\(component.name)".utf8), to: &output)
        for property in component.properties { append(property.raw, to: &output) }
        for child in component.children { append(child, to: &output) }
        append(Array("END:\(component.name)".utf8), to: &output)
    }
}
