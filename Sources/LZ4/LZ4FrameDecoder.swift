import CLZ4

/// Decompresses one LZ4 frame piece by piece: frame bytes go in as they are read,
/// raw bytes come out into the caller's buffer, so neither side is ever held whole.
/// The content checksum is checked when the frame ends (by `FrameContentChecksum`, with
/// liblz4's own check off). Not thread-safe: one per task.
public final class LZ4FrameDecoder {
    private var context: OpaquePointer?
    private let checksum: StreamingContentChecksum
    /// The first five and the last four frame bytes used so far: the descriptor's flags
    /// say whether a content checksum ends the frame; the last four are that checksum.
    private var head: [UInt8] = [], tail: [UInt8] = []
    /// True once the frame's end mark and checksum were read and found sound.
    public private(set) var isFinished = false

    /// Creates a decoder at the start of a frame.
    public init() throws(LZ4Error) {
        var created: OpaquePointer?
        let code = LZ4F_createDecompressionContext(&created, UInt32(LZ4F_VERSION))
        if LZ4F_isError(code) != 0 { throw LZ4FrameEncoder.error("LZ4F_createDecompressionContext", code) }
        context = created
        checksum = try StreamingContentChecksum()
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
        var options = LZ4F_decompressOptions_t(stableDst: 0, skipChecksums: 1, reserved1: 0, reserved0: 0)
        let hint = LZ4F_decompress(context, output.baseAddress, &destinationSize, input.baseAddress, &sourceSize, &options)
        if LZ4F_isError(hint) != 0 { throw LZ4FrameEncoder.error("LZ4F_decompress", hint) }
        checksum.update(UnsafeRawBufferPointer(rebasing: output[0..<destinationSize]))
        remember(UnsafeRawBufferPointer(rebasing: input[0..<sourceSize]))
        if hint == 0 {
            if head.count == 5, head[4] & FrameContentChecksum.flag != 0,
               tail.withUnsafeBytes(FrameContentChecksum.stored) != checksum.digest {
                throw FrameContentChecksum.mismatch
            }
            isFinished = true
        }
        return (sourceSize, destinationSize)
    }

    private func remember(_ used: UnsafeRawBufferPointer) {
        if head.count < 5 { head += used.prefix(5 - head.count) }
        tail = used.count >= 4 ? Array(used.suffix(4)) : Array((tail + used).suffix(4))
    }
}
