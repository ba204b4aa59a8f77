import NIOCore

/// One complete response as `ResponseFramer` cuts it: the response's text with the
/// contents of its literals taken out, and each literal's bytes in an array of its own.
///
/// A literal's array is the one the framer filled as the bytes arrived, reserved at the
/// size its `{n}` announced, so a message body is one contiguous buffer that reaches
/// the store without another copy.
struct ResponseFrame {
    /// The response outside literal contents: every line, each `{n}` announcement and
    /// its CRLF included.
    var text: ByteBuffer
    /// The literals' contents, in the order they appear.
    var literals: [[UInt8]]
    /// For each literal, the offset in `text` (from its reader index) where its bytes
    /// were: just after its announcement's LF.
    var literalOffsets: [Int]

    /// A frame of text with no literals.
    init(text: ByteBuffer) {
        self.text = text
        self.literals = []
        self.literalOffsets = []
    }

    /// A frame with literals at `literalOffsets` of `text`.
    init(text: ByteBuffer, literals: [[UInt8]], literalOffsets: [Int]) {
        self.text = text
        self.literals = literals
        self.literalOffsets = literalOffsets
    }

    /// The response's bytes as they arrived: the text with each literal put back.
    var bytes: [UInt8] {
        let view = text.readableBytesView
        var bytes: [UInt8] = []
        bytes.reserveCapacity(view.count + literals.reduce(0) { $0 + $1.count })
        var from = view.startIndex
        for (literal, offset) in zip(literals, literalOffsets) {
            bytes += view[from..<(view.startIndex + offset)]
            bytes += literal
            from = view.startIndex + offset
        }
        bytes += view[from...]
        return bytes
    }
}
