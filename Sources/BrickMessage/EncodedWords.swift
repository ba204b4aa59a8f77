/// Decodes RFC 2047 encoded words (`=?charset?Q|B?text?=`) in header text.
///
/// Lenient where mail is: encoded words are recognised anywhere, not only between
/// white space, and inside quoted strings. White space between two adjacent encoded
/// words is dropped (RFC 2047 §6.2). Adjacent words in the same charset are joined
/// before conversion, so a multi-byte character split across two words survives.
/// A word in a charset this system cannot convert is kept as its raw text.
public enum EncodedWords {
    /// Decodes the encoded words in `text`.
    public static func decode(_ text: String) -> String {
        String(decoding: decode(utf8: Array(text.utf8)), as: UTF8.self)
    }

    /// Decodes the encoded words in UTF-8 `bytes` and returns UTF-8 bytes.
    static func decode(utf8 bytes: [UInt8]) -> [UInt8] {
        guard containsMarker(bytes) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var run: Run?
        var literalStart = 0
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "="), bytes[index + 1] == UInt8(ascii: "?"),
                let word = parseWord(bytes, at: index)
            else {
                index += 1
                continue
            }
            let literal = bytes[literalStart..<index]
            let onlySpace = literal.allSatisfy { $0 == 0x20 || $0 == 0x09 }
            if run != nil && onlySpace {
                // Dropped between adjacent encoded words.
            } else {
                flush(&run, from: bytes, into: &output)
                output.append(contentsOf: literal)
            }
            if var current = run, current.charset.lowercased() == word.charset.lowercased() {
                current.decoded.append(contentsOf: word.decoded)
                current.rawEnd = word.end
                run = current
            } else {
                flush(&run, from: bytes, into: &output)
                run = Run(charset: word.charset, decoded: word.decoded, rawStart: index, rawEnd: word.end)
            }
            index = word.end
            literalStart = index
        }
        flush(&run, from: bytes, into: &output)
        output.append(contentsOf: bytes[literalStart...])
        return output
    }

    /// Consecutive encoded words in one charset, decoded but not yet converted.
    private struct Run {
        var charset: String
        var decoded: [UInt8]
        var rawStart: Int
        var rawEnd: Int
    }

    /// One parsed encoded word.
    private struct Word {
        var charset: String
        var decoded: [UInt8]
        var end: Int
    }

    private static func flush(_ run: inout Run?, from bytes: [UInt8], into output: inout [UInt8]) {
        guard let current = run else { return }
        if let converted = Charset.utf8(current.decoded, charset: current.charset) {
            output.append(contentsOf: converted)
        } else {
            output.append(contentsOf: bytes[current.rawStart..<current.rawEnd])
        }
        run = nil
    }

    private static func containsMarker(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "=") && bytes[index + 1] == UInt8(ascii: "?") { return true }
            index += 1
        }
        return false
    }

    /// Parses the encoded word starting at `start` (which holds `=?`).
    private static func parseWord(_ bytes: [UInt8], at start: Int) -> Word? {
        let question = UInt8(ascii: "?")
        var index = start + 2
        let charsetStart = index
        while index < bytes.count, bytes[index] != question {
            guard bytes[index] > 0x20 && bytes[index] < 0x7F && index - charsetStart < 64 else { return nil }
            index += 1
        }
        guard index > charsetStart, index + 2 < bytes.count, bytes[index + 2] == question else { return nil }
        let charset = String(decoding: bytes[charsetStart..<index], as: UTF8.self)
        let encoding = bytes[index + 1] | 0x20
        guard encoding == UInt8(ascii: "q") || encoding == UInt8(ascii: "b") else { return nil }
        index += 3
        let textStart = index
        while index < bytes.count, bytes[index] != question {
            guard bytes[index] > 0x20 && bytes[index] < 0x7F else { return nil }
            index += 1
        }
        guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "=") else { return nil }
        let text = bytes[textStart..<index]
        let decoded: [UInt8]
        if encoding == UInt8(ascii: "q") {
            decoded = TransferDecoding.q(text)
        } else {
            guard let value = TransferDecoding.b(text) else { return nil }
            decoded = value
        }
        return Word(charset: charset, decoded: decoded, end: index + 2)
    }
}
