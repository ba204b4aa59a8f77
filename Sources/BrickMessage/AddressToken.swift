/// A lexical token of an RFC 5322 address list (§3.2, §3.4).
struct AddressToken {
    /// What the token is.
    enum Kind: Equatable {
        /// A run of atom characters; also a whole encoded word, whatever it holds.
        case atom
        /// A quoted string; the text is unescaped and without the quotes.
        case quoted
        /// A comment; the text is unescaped and without the outer parentheses.
        case comment
        /// A domain literal, brackets included.
        case domainLiteral
        /// One of `< > : ; @ ,`.
        case special(UInt8)
    }

    /// The token's kind.
    var kind: Kind
    /// Where its text lies in the tokenized bytes: for quoted strings and comments,
    /// the part inside the delimiters, still escaped.
    var range: Range<Int>
    /// Whether white space came before it.
    var spaced: Bool

    /// The token's text: unescaped, without line breaks, for quoted strings and
    /// comments; as it stands otherwise.
    func text(in bytes: [UInt8]) -> ArraySlice<UInt8> {
        guard kind == .quoted || kind == .comment else { return bytes[range] }
        var needsCopy = false
        for byte in bytes[range] where byte == UInt8(ascii: "\\") || byte == 0x0D || byte == 0x0A {
            needsCopy = true
            break
        }
        guard needsCopy else { return bytes[range] }
        var text: [UInt8] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") && index + 1 < range.upperBound {
                text.append(bytes[index + 1])
                index += 2
                continue
            }
            if byte != 0x0D && byte != 0x0A { text.append(byte) }
            index += 1
        }
        return text[...]
    }

    /// Splits UTF-8 `bytes` into tokens. Never fails: an unterminated quoted string,
    /// comment or domain literal runs to the end of the input.
    static func tokenize(_ bytes: [UInt8]) -> [AddressToken] {
        var tokens: [AddressToken] = []
        tokens.reserveCapacity(bytes.count / 4 + 4)
        var index = 0
        var spaced = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x20, 0x09, 0x0D, 0x0A:
                spaced = true
                index += 1
                continue
            case UInt8(ascii: "\""):
                let (inner, next) = delimited(bytes, from: index + 1, close: UInt8(ascii: "\""), nests: false)
                tokens.append(AddressToken(kind: .quoted, range: inner, spaced: spaced))
                index = next
            case UInt8(ascii: "("):
                let (inner, next) = delimited(bytes, from: index + 1, close: UInt8(ascii: ")"), nests: true)
                tokens.append(AddressToken(kind: .comment, range: inner, spaced: spaced))
                index = next
            case UInt8(ascii: "["):
                var end = index + 1
                while end < bytes.count && bytes[end] != UInt8(ascii: "]") { end += 1 }
                end = min(end + 1, bytes.count)
                tokens.append(AddressToken(kind: .domainLiteral, range: index..<end, spaced: spaced))
                index = end
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ":"), UInt8(ascii: ";"),
                UInt8(ascii: "@"), UInt8(ascii: ","):
                tokens.append(AddressToken(kind: .special(byte), range: index..<(index + 1), spaced: spaced))
                index += 1
            default:
                let end = atomEnd(bytes, from: index)
                tokens.append(AddressToken(kind: .atom, range: index..<end, spaced: spaced))
                index = end
            }
            spaced = false
        }
        return tokens
    }

    /// The end of the atom at `start`; an encoded word is taken whole.
    private static func atomEnd(_ bytes: [UInt8], from start: Int) -> Int {
        if let end = encodedWordEnd(bytes, from: start) { return end }
        var index = start
        while index < bytes.count && !isDelimiter(bytes[index]) { index += 1 }
        return max(index, start + 1)
    }

    /// The end of an `=?…?…?…?=` run without white space at `start`, if there is one.
    private static func encodedWordEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        guard start + 1 < bytes.count, bytes[start] == UInt8(ascii: "="), bytes[start + 1] == UInt8(ascii: "?")
        else { return nil }
        var questions = 0
        var index = start + 2
        while index < bytes.count {
            let byte = bytes[index]
            if byte <= 0x20 || byte >= 0x7F { return nil }
            if byte == UInt8(ascii: "?") {
                questions += 1
                if questions == 3 {
                    return index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "=") ? index + 2 : nil
                }
            }
            index += 1
        }
        return nil
    }

    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0D, 0x0A, UInt8(ascii: "\""), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "["), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ":"),
            UInt8(ascii: ";"), UInt8(ascii: "@"), UInt8(ascii: ","):
            true
        default:
            false
        }
    }

    /// Finds the closing byte, honouring backslash escapes and, for comments,
    /// nesting. Returns the range inside the delimiters and the index after the
    /// closing byte (the end of the input when it is missing).
    private static func delimited(_ bytes: [UInt8], from start: Int, close: UInt8, nests: Bool)
        -> (inner: Range<Int>, next: Int)
    {
        var depth = 0
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if nests && byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == close {
                if depth == 0 { return (start..<index, index + 1) }
                depth -= 1
            }
            index += 1
        }
        return (start..<bytes.count, bytes.count)
    }
}
