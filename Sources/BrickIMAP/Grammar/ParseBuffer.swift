import NIOCore

/// A cursor over one complete response (a frame, literals included) with the
/// primitive productions of RFC 9051 §9: atoms, numbers, spaces, CRLF.
struct ParseBuffer {
    private var buffer: ByteBuffer
    private let start: Int
    /// The frame's literals, handed out in order by `literal()`.
    private var literals: [[UInt8]]
    private let literalOffsets: [Int]
    private var nextLiteral = 0

    /// Wraps a complete response frame.
    init(_ frame: ResponseFrame) {
        self.buffer = frame.text
        self.start = frame.text.readerIndex
        self.literals = frame.literals
        self.literalOffsets = frame.literalOffsets
    }

    /// The offset from the start of the frame, for error messages.
    var offset: Int { buffer.readerIndex - start }

    /// True when every byte has been read.
    var isAtEnd: Bool { buffer.readableBytes == 0 }

    /// The next byte without consuming it.
    func peek(_ ahead: Int = 0) -> UInt8? {
        guard buffer.readableBytes > ahead else { return nil }
        return buffer.getInteger(at: buffer.readerIndex + ahead, as: UInt8.self)
    }

    /// Builds an error at the current position.
    func error(_ expected: String) -> ParseError {
        ParseError(expected: expected, offset: offset)
    }

    /// Consumes one byte.
    mutating func readByte() throws(ParseError) -> UInt8 {
        guard let byte = buffer.readInteger(as: UInt8.self) else { throw error("more bytes") }
        return byte
    }

    /// Consumes `byte` or fails.
    mutating func expect(_ byte: UInt8) throws(ParseError) {
        guard peek() == byte else { throw error("'\(Character(UnicodeScalar(byte)))'") }
        buffer.moveReaderIndex(forwardBy: 1)
    }

    /// Consumes `byte` when it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        buffer.moveReaderIndex(forwardBy: 1)
        return true
    }

    /// Consumes `word` (ASCII, case-insensitive) when it is next.
    mutating func consume(word: String) -> Bool {
        let bytes = Array(word.utf8)
        for (index, expected) in bytes.enumerated() {
            guard let byte = peek(index), lowercase(byte) == lowercase(expected) else { return false }
        }
        buffer.moveReaderIndex(forwardBy: bytes.count)
        return true
    }

    /// Consumes `word` (case-insensitive) or fails.
    mutating func expect(word: String) throws(ParseError) {
        guard consume(word: word) else { throw error("'\(word)'") }
    }

    /// Consumes one space.
    mutating func space() throws(ParseError) {
        try expect(UInt8(ascii: " "))
    }

    /// Consumes the end of the response: optional trailing spaces (Dovecot leaves one
    /// after some STATUS responses), then CRLF.
    mutating func endOfLine() throws(ParseError) {
        while consume(UInt8(ascii: " ")) {}
        _ = consume(UInt8(ascii: "\r"))
        try expect(UInt8(ascii: "\n"))
        guard isAtEnd, nextLiteral == literals.count else { throw error("end of response") }
    }

    /// True when the next bytes end the line (trailing spaces allowed).
    func atEndOfLine() -> Bool {
        var index = 0
        while peek(index) == UInt8(ascii: " ") { index += 1 }
        return peek(index) == UInt8(ascii: "\r") || peek(index) == UInt8(ascii: "\n") || peek(index) == nil
    }

    /// Consumes bytes while `predicate` holds and returns them (at least one).
    mutating func take(_ what: String, while predicate: (UInt8) -> Bool) throws(ParseError) -> [UInt8] {
        var count = 0
        while let byte = peek(count), predicate(byte) { count += 1 }
        guard count > 0 else { throw error(what) }
        return buffer.readBytes(length: count) ?? []
    }

    /// Consumes `count` bytes exactly.
    mutating func take(count: Int) throws(ParseError) -> [UInt8] {
        guard let bytes = buffer.readBytes(length: count) else { throw error("\(count) bytes") }
        return bytes
    }

    /// The contents of the literal whose announcement (`{count}` and CRLF) was just
    /// consumed: the frame's next literal, handed over without a copy.
    mutating func takeLiteral(count: Int) throws(ParseError) -> [UInt8] {
        guard nextLiteral < literals.count, literalOffsets[nextLiteral] == offset, literals[nextLiteral].count == count else {
            throw error("\(count) literal bytes")
        }
        let bytes = literals[nextLiteral]
        // Let go here, so the caller's array is the only reference the parse keeps.
        literals[nextLiteral] = []
        nextLiteral += 1
        return bytes
    }

    /// An atom (RFC 9051 `atom`).
    mutating func atom() throws(ParseError) -> String {
        String(decoding: try take("atom", while: Grammar.isAtomChar), as: UTF8.self)
    }

    /// An unsigned decimal number that fits `T`.
    mutating func number<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type = UInt32.self) throws(ParseError) -> T {
        let digits = try take("number", while: Grammar.isDigit)
        var value: T = 0
        for digit in digits {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(T(digit - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { throw error("number within range") }
            value = sum
        }
        return value
    }

    /// The rest of the line as text (up to, not including, CRLF).
    mutating func text() -> String {
        var count = 0
        while let byte = peek(count), byte != UInt8(ascii: "\r"), byte != UInt8(ascii: "\n") { count += 1 }
        return String(decoding: buffer.readBytes(length: count) ?? [], as: UTF8.self)
    }

    /// A parenthesized list of `element`s separated by single spaces; `()` is empty.
    mutating func list<T>(_ element: (inout ParseBuffer) throws(ParseError) -> T) throws(ParseError) -> [T] {
        try expect(UInt8(ascii: "("))
        var items: [T] = []
        if consume(UInt8(ascii: ")")) { return items }
        repeat {
            items.append(try element(&self))
        } while consume(UInt8(ascii: " "))
        try expect(UInt8(ascii: ")"))
        return items
    }

    private func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte + 32 : byte
    }
}

/// Character classes of RFC 9051 §9.
enum Grammar {
    /// `ATOM-CHAR`: any CHAR except atom-specials.
    static func isAtomChar(_ byte: UInt8) -> Bool {
        guard byte > 0x20 && byte < 0x7F else { return false }
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "%"),
             UInt8(ascii: "*"), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "]"):
            return false
        default:
            return true
        }
    }

    /// `ASTRING-CHAR`: an atom char or `]`.
    static func isAStringChar(_ byte: UInt8) -> Bool {
        isAtomChar(byte) || byte == UInt8(ascii: "]")
    }

    /// A decimal digit.
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
