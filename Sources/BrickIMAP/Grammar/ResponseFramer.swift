import NIOCore

/// Cuts the incoming byte stream into complete responses.
///
/// A response is a line ending in CRLF, unless the line ends with a literal
/// announcement (`{n}`, `{n+}`, `~{n}`): then n bytes follow and the response goes on
/// after them. When the framer reads an announcement it reserves an array of n bytes
/// and copies the literal's bytes into it as they arrive, straight from the
/// connection's reads: a 50 MB message body is copied once, never scanned for line
/// ends, never moved when the buffer is compacted, and becomes the frame's literal
/// (`ResponseFrame`) without another copy.
struct ResponseFramer {
    /// Limit on one line outside literals, against a server that never sends CRLF.
    static let maximumLineLength = 1 << 20
    /// Buffer capacity kept once the buffer is empty.
    static let retainedCapacity = 4 << 20
    /// The most reserved up front for one literal: a larger one grows as its bytes
    /// arrive, so an announcement alone cannot claim gigabytes.
    static let maximumReservation = 64 << 20

    /// Bytes outside literals not yet framed; empty while a literal is being filled.
    private var buffer: ByteBuffer
    /// Bytes after the reader index already known to hold no line end.
    private var scanned = 0
    /// The current frame's lines so far, when it has literals (each line ends in an
    /// announcement).
    private var text: ByteBuffer?
    /// The current frame's finished literals and where each goes in `text`.
    private var literals: [[UInt8]] = []
    private var literalOffsets: [Int] = []
    /// The literal being filled, and how many of its bytes are still to come.
    private var literal: [UInt8] = []
    private var literalRemaining = 0

    /// Creates an empty framer.
    init() {
        buffer = ByteBufferAllocator().buffer(capacity: 16 * 1024)
    }

    /// The number of bytes buffered and not yet returned in a frame.
    var bufferedByteCount: Int {
        buffer.readableBytes + (text?.readableBytes ?? 0) + literals.reduce(0) { $0 + $1.count } + literal.count
    }

    /// Appends bytes read from the connection: the literal being filled takes what is
    /// its own, the buffer the rest.
    mutating func append(_ bytes: inout ByteBuffer) {
        if literalRemaining > 0 {
            let count = min(literalRemaining, bytes.readableBytes)
            bytes.withUnsafeReadableBytes { fill(from: UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
            bytes.moveReaderIndex(forwardBy: count)
        }
        guard bytes.readableBytes > 0 else { return }
        compact()
        buffer.writeBuffer(&bytes)
    }

    /// Appends bytes (for tests).
    mutating func append(_ bytes: [UInt8]) {
        var buffer = ByteBuffer(bytes: bytes)
        append(&buffer)
    }

    /// Drops everything buffered (after STARTTLS, plaintext that arrived early must
    /// not be taken as coming from inside TLS).
    mutating func reset() {
        buffer.clear()
        scanned = 0
        text = nil
        literals = []
        literalOffsets = []
        literal = []
        literalRemaining = 0
    }

    /// The next complete response, or nil when more bytes are needed.
    mutating func nextFrame() throws(ParseError) -> ResponseFrame? {
        while literalRemaining == 0 {
            let view = buffer.readableBytesView
            let from = view.startIndex + scanned
            guard let newline = view[from...].firstIndex(of: UInt8(ascii: "\n")) else {
                scanned = view.count
                if view.count > Self.maximumLineLength {
                    throw ParseError(expected: "a line shorter than \(Self.maximumLineLength) bytes", offset: view.count)
                }
                return nil
            }
            let lineEnd = newline - view.startIndex + 1
            scanned = 0
            guard let count = literalLength(view, endingAt: newline) else {
                return finishFrame(lineLength: lineEnd)
            }
            guard count <= Int(Int32.max) else {
                throw ParseError(expected: "a literal of at most \(Int32.max) bytes", offset: lineEnd)
            }
            var line = buffer.readSlice(length: lineEnd)!
            if text == nil { text = ByteBufferAllocator().buffer(capacity: lineEnd + 256) }
            text!.writeBuffer(&line)
            literalOffsets.append(text!.readableBytes)
            beginLiteral(count)
        }
        return nil
    }

    /// Starts a literal of `count` bytes, taking those already buffered.
    private mutating func beginLiteral(_ count: Int) {
        literal = []
        literal.reserveCapacity(min(count, Self.maximumReservation))
        literalRemaining = count
        let buffered = min(count, buffer.readableBytes)
        let source = buffer
        source.withUnsafeReadableBytes { fill(from: UnsafeRawBufferPointer(rebasing: $0.prefix(buffered))) }
        buffer.moveReaderIndex(forwardBy: buffered)
    }

    /// Copies `bytes` (at most what the literal still lacks) into the literal; a full
    /// literal joins the frame's.
    private mutating func fill(from bytes: UnsafeRawBufferPointer) {
        literal.append(contentsOf: bytes.bindMemory(to: UInt8.self))
        literalRemaining -= bytes.count
        if literalRemaining == 0 {
            literals.append(literal)
            literal = []
        }
    }

    /// Ends the frame with the line of `lineLength` bytes at the buffer's start.
    private mutating func finishFrame(lineLength: Int) -> ResponseFrame {
        var line = buffer.readSlice(length: lineLength)!
        guard var text else { return ResponseFrame(text: line) }
        text.writeBuffer(&line)
        let frame = ResponseFrame(text: text, literals: literals, literalOffsets: literalOffsets)
        self.text = nil
        literals = []
        literalOffsets = []
        return frame
    }

    /// Makes room before new bytes are written: an empty buffer starts over (or is
    /// replaced when a burst made it large), and read bytes are dropped once they are
    /// most of it. Done here, when the frames handed out are gone, so the compaction
    /// never copies storage a frame still shares.
    private mutating func compact() {
        if buffer.readableBytes == 0 {
            if buffer.capacity > Self.retainedCapacity {
                buffer = ByteBufferAllocator().buffer(capacity: 16 * 1024)
            } else {
                buffer.clear()
            }
        } else if buffer.readerIndex > 64 * 1024 && buffer.readerIndex > buffer.readableBytes {
            buffer.discardReadBytes()
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
