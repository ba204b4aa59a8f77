import CLZ4

/// Compresses one LZ4 frame piece by piece, for input too large to hold at once.
///
/// The frame is the one `LZ4Frame.compress` writes for the same input (content size,
/// content checksum, 4 MB independent blocks), so `LZ4Frame.decompress`, the `lz4`
/// command and `LZ4FrameDecoder` read it. liblz4 keeps at most one block (4 MB) of
/// input buffered between calls. liblz4's checksum is off: `FrameContentChecksum`
/// adds the same one. Not thread-safe: one per task.
public final class LZ4FrameEncoder {
    private var context: OpaquePointer?
    private var preferences = LZ4F_preferences_t()
    private var scratch: [UInt8] = []
    private let checksum: StreamingContentChecksum

    /// Starts a frame that will hold exactly `contentSize` bytes (recorded in the frame
    /// header and checked by every reader).
    public init(contentSize: UInt64) throws(LZ4Error) {
        var created: OpaquePointer?
        let code = LZ4F_createCompressionContext(&created, UInt32(LZ4F_VERSION))
        if LZ4F_isError(code) != 0 { throw LZ4FrameEncoder.error("LZ4F_createCompressionContext", code) }
        context = created
        checksum = try StreamingContentChecksum()
        preferences.frameInfo.contentSize = contentSize
        preferences.frameInfo.blockSizeID = LZ4F_max4MB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
    }

    deinit {
        if let context { LZ4F_freeCompressionContext(context) }
    }

    /// Appends the frame header to `output`. Call once, first.
    public func begin(appendingTo output: inout [UInt8]) throws(LZ4Error) {
        try produce(capacity: Int(LZ4F_HEADER_SIZE_MAX), into: &output) { (out: UnsafeMutableRawBufferPointer) in
            let written = LZ4F_compressBegin(context, out.baseAddress, out.count, &preferences)
            if LZ4F_isError(written) == 0 { FrameContentChecksum.markHeader(out.baseAddress!) }
            return written
        } name: { "LZ4F_compressBegin" }
    }

    /// Compresses `input`, appending whatever complete blocks it finishes to `output`
    /// (often nothing: input is buffered until a block is full).
    public func update(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws(LZ4Error) {
        guard input.count > 0 else { return }
        checksum.update(input)
        let bound = LZ4F_compressBound(input.count, &preferences)
        try produce(capacity: bound, into: &output) { (out: UnsafeMutableRawBufferPointer) in
            LZ4F_compressUpdate(context, out.baseAddress, out.count, input.baseAddress, input.count, nil)
        } name: { "LZ4F_compressUpdate" }
    }

    /// Compresses what is buffered and appends it with the end mark and the content
    /// checksum to `output`. liblz4 refuses here when the bytes given differ from the
    /// content size announced.
    public func end(appendingTo output: inout [UInt8]) throws(LZ4Error) {
        let bound = LZ4F_compressBound(0, &preferences)
        try produce(capacity: bound, into: &output) { (out: UnsafeMutableRawBufferPointer) in
            LZ4F_compressEnd(context, out.baseAddress, out.count, nil)
        } name: { "LZ4F_compressEnd" }
        withUnsafeBytes(of: checksum.digest.littleEndian) { output.append(contentsOf: $0) }
    }

    private func produce(
        capacity: Int, into output: inout [UInt8], _ call: (UnsafeMutableRawBufferPointer) -> Int, name: () -> String
    ) throws(LZ4Error) {
        if scratch.count < capacity { scratch = [UInt8](repeating: 0, count: capacity) }
        let written = scratch.withUnsafeMutableBytes { call(UnsafeMutableRawBufferPointer(rebasing: $0[0..<capacity])) }
        if LZ4F_isError(written) != 0 { throw LZ4FrameEncoder.error(name(), written) }
        output.append(contentsOf: scratch[0..<written])
    }

    static func error(_ function: String, _ code: Int) -> LZ4Error {
        LZ4Error(function: function, name: String(cString: LZ4F_getErrorName(code)))
    }
}
