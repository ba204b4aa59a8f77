import CLZ4

/// Decompresses one LZ4 frame piece by piece: frame bytes go in as they are read,
/// raw bytes come out into the caller's buffer, so neither side is ever held whole.
/// The content checksum is checked when the frame ends. Not thread-safe: one per task.
public final class LZ4FrameDecoder {
    private var context: OpaquePointer?
    /// True once the frame's end mark and checksum were read and found sound.
    public private(set) var isFinished = false

    /// Creates a decoder at the start of a frame.
    public init() throws(LZ4Error) {
        var created: OpaquePointer?
        let code = LZ4F_createDecompressionContext(&created, UInt32(LZ4F_VERSION))
        if LZ4F_isError(code) != 0 { throw LZ4FrameEncoder.error("LZ4F_createDecompressionContext", code) }
        context = created
    }

    deinit {
        if let context { LZ4F_freeDecompressionContext(context) }
    }

    /// Decodes from the start of `input` into `output`: returns the frame bytes used and
    /// the raw bytes written. Call again with the rest of the input (and more) until it
    /// is used up; a call may use no input yet write output that liblz4 held back.
    public func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(LZ4Error) -> (consumed: Int, produced: Int) {
        guard !isFinished else {
            if input.isEmpty { return (0, 0) }
            throw LZ4Error(function: "LZ4F_decompress", name: "bytes after the end of the frame")
        }
        var sourceSize = input.count
        var destinationSize = output.count
        let hint = LZ4F_decompress(context, output.baseAddress, &destinationSize, input.baseAddress, &sourceSize, nil)
        if LZ4F_isError(hint) != 0 { throw LZ4FrameEncoder.error("LZ4F_decompress", hint) }
        if hint == 0 { isFinished = true }
        return (sourceSize, destinationSize)
    }
}
