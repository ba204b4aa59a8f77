import NIOCore

/// Cuts the incoming byte stream into complete responses.
///
/// A response is a line ending in CRLF, unless the line ends with a literal
/// announcement (`{n}`, `{n+}`, `~{n}`): then n bytes follow and the response goes on
/// after them. The framer remembers how far it has looked, so a 50 MB literal arriving
/// in small reads is scanned once, and hands out each frame as a slice of its buffer
/// without copying it.
struct ResponseFramer {
    /// Limit on one line outside literals, against a server that never sends CRLF.
    static let maximumLineLength = 1 << 20
    /// Buffer capacity kept once the buffer is empty.
    static let retainedCapacity = 4 << 20

    private var buffer: ByteBuffer
    /// Bytes after the reader index already known to belong to the current frame.
    private var scanned = 0
    /// Literal bytes still to skip before scanning resumes.
    private var literalRemaining = 0

    /// Creates an empty framer.
    init() {
        buffer = ByteBufferAllocator().buffer(capacity: 16 * 1024)
    }

    /// The number of bytes buffered and not yet returned in a frame.
    var bufferedByteCount: Int { buffer.readableBytes }

    /// Appends bytes read from the connection.
    mutating func append(_ bytes: inout ByteBuffer) {
        buffer.writeBuffer(&bytes)
    }

    /// Appends bytes (for tests).
    mutating func append(_ bytes: [UInt8]) {
        buffer.writeBytes(bytes)
    }

    /// Drops everything buffered (after STARTTLS, plaintext that arrived early must
    /// not be taken as coming from inside TLS).
    mutating func reset() {
        buffer.clear()
        scanned = 0
        literalRemaining = 0
    }

    /// The next complete response, or nil when more bytes are needed.
    mutating func nextFrame() throws(ParseError) -> ByteBuffer? {
        while true {
            if literalRemaining > 0 {
                let available = buffer.readableBytes - scanned
                guard available >= literalRemaining else { return nil }
                scanned += literalRemaining
                literalRemaining = 0
            }
            let view = buffer.readableBytesView
            let from = view.startIndex + scanned
            guard let newline = view[from...].firstIndex(of: UInt8(ascii: "\n")) else {
                if buffer.readableBytes - scanned > Self.maximumLineLength {
                    throw ParseError(expected: "a line shorter than \(Self.maximumLineLength) bytes", offset: scanned)
                }
                return nil
            }
            let lineEnd = newline - view.startIndex + 1
            if let count = literalLength(view, endingAt: newline) {
                scanned = lineEnd
                literalRemaining = count
                continue
            }
            scanned = 0
            let frame = buffer.readSlice(length: lineEnd)!
            if buffer.readableBytes == 0 && buffer.capacity > Self.retainedCapacity {
                // A huge literal went through: give its memory back instead of keeping
                // the largest message's size for the connection's lifetime.
                buffer = ByteBufferAllocator().buffer(capacity: 16 * 1024)
            } else if buffer.readerIndex > 1 << 20 && buffer.readerIndex > buffer.readableBytes {
                buffer.discardReadBytes()
            }
            return frame
        }
    }

    /// The n of a `{n}`, `{n+}` or `~{n}` ending the line whose LF is at `newline`.
    private func literalLength(_ view: ByteBufferView, endingAt newline: Int) -> Int? {
        var index = newline - 1
        if index >= view.startIndex && view[index] == UInt8(ascii: "\r") { index -= 1 }
        guard index >= view.startIndex, view[index] == UInt8(ascii: "}") else { return nil }
        index -= 1
        if index >= view.startIndex && view[index] == UInt8(ascii: "+") { index -= 1 }
        var value = 0
        var multiplier = 1
        var digits = 0
        while index >= view.startIndex, Grammar.isDigit(view[index]) {
            value += Int(view[index] - UInt8(ascii: "0")) * multiplier
            multiplier = multiplier &* 10
            digits += 1
            index -= 1
            if digits > 10 { return nil }
        }
        guard digits > 0, index >= view.startIndex, view[index] == UInt8(ascii: "{") else { return nil }
        return value
    }
}
