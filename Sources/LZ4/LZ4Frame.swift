import CLZ4

/// A failed LZ4 frame operation, with liblz4's error name.
public struct LZ4Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The liblz4 function that failed.
    public var function: String
    /// liblz4's name for the error (e.g. `ERROR_contentChecksum_invalid`).
    public var name: String
    public var description: String { "\(function): \(name)" }
}

/// LZ4 frame compression (the format of the `lz4` command) with a content checksum,
/// so a damaged value is detected on the way out (computed by `FrameContentChecksum`).
///
/// Not thread-safe: keep one per task and reuse it; it keeps its contexts.
public final class LZ4Frame {
    private var decompressionContext: OpaquePointer?

    /// Creates a compressor/decompressor.
    public init() {}

    deinit {
        if let decompressionContext { LZ4F_freeDecompressionContext(decompressionContext) }
    }

    /// Compresses `input` into one frame with content size and content checksum.
    public func compress(_ input: [UInt8]) throws(LZ4Error) -> [UInt8] {
        var output: [UInt8] = []
        try compress(input, after: [], into: &output)
        return output
    }

    /// Sets `output` to `prefix` followed by the frame of `input`, written in place:
    /// no zero-filled buffer and no copy of the frame after compressing. The array's
    /// capacity is the frame's bound (at most the input's size plus a little). liblz4
    /// compresses with its checksum off; the content checksum is added after it
    /// (`FrameContentChecksum`), giving the bytes liblz4 would write with it on.
    public func compress(_ input: [UInt8], after prefix: [UInt8], into output: inout [UInt8]) throws(LZ4Error) {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.contentSize = UInt64(input.count)
        preferences.frameInfo.blockSizeID = LZ4F_max4MB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        let bound = LZ4F_compressFrameBound(input.count, &preferences) + 4
        var written = 0
        output = [UInt8](unsafeUninitializedCapacity: prefix.count + bound) { buffer, count in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            prefix.withUnsafeBytes { if let bytes = $0.baseAddress { base.copyMemory(from: bytes, byteCount: $0.count) } }
            let frame = base + prefix.count
            written = input.withUnsafeBytes { inp in
                let size = LZ4F_compressFrame(frame, bound, inp.baseAddress, inp.count, &preferences)
                guard LZ4F_isError(size) == 0 else { return size }
                FrameContentChecksum.markHeader(frame)
                FrameContentChecksum.store(FrameContentChecksum.of(inp), at: frame + size)
                return size + 4
            }
            count = LZ4F_isError(written) != 0 ? 0 : prefix.count + written
        }
        if LZ4F_isError(written) != 0 { throw error("LZ4F_compressFrame", written) }
    }

    /// Decompresses one frame, checking its content checksum. liblz4 writes straight
    /// into the returned array's free space: when the frame header gives the content
    /// size, that is the one allocation; otherwise `expectedSize` sizes the first
    /// allocation (bounded by what the frame can expand to) and the array doubles as
    /// needed. Output beyond `limit` bytes, when given, stops decompression with an error.
    public func decompress(_ frame: ArraySlice<UInt8>, expectedSize: Int? = nil, limit: Int? = nil) throws(LZ4Error) -> [UInt8] {
        guard !frame.isEmpty else { throw LZ4Error(function: "LZ4F_decompress", name: "empty frame") }
        let context = try readyDecompressionContext()
        LZ4F_resetDecompressionContext(context)
        let result = frame.withUnsafeBytes { (source: UnsafeRawBufferPointer) -> Result<[UInt8], LZ4Error> in
            Result(catching: { () throws(LZ4Error) -> [UInt8] in try decompress(source, context: context, expectedSize: expectedSize, limit: limit) })
        }
        return try result.get()
    }

    private func decompress(
        _ source: UnsafeRawBufferPointer, context: OpaquePointer?, expectedSize: Int?, limit: Int?
    ) throws(LZ4Error) -> [UInt8] {
        let bound = source.count.multipliedReportingOverflow(by: 256)
        let most = bound.overflow ? Int.max : bound.partialValue
        var info = LZ4F_frameInfo_t()
        var offset = source.count
        let code = LZ4F_getFrameInfo(context, &info, source.baseAddress, &offset)
        if LZ4F_isError(code) != 0 { throw error("LZ4F_getFrameInfo", code) }
        var capacity = max(1, min(expectedSize ?? source.count * 3, most, 1 << 30))
        if info.contentSize > 0 {
            if let limit, info.contentSize > UInt64(limit) { throw tooLarge(limit) }
            capacity = Int(min(info.contentSize, UInt64(most)))
        }
        var output: [UInt8] = []
        while true {
            var step = DecodeStep.full
            output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                let base = UnsafeMutableRawPointer(buffer.baseAddress!)
                output.withUnsafeBytes { if let old = $0.baseAddress { base.copyMemory(from: old, byteCount: $0.count) } }
                count = output.count
                step = decode(context, source, from: &offset, into: base, filled: &count, capacity: capacity, limit: limit)
            }
            switch step {
            case .finished:
                if info.contentChecksumFlag == LZ4F_contentChecksumEnabled {
                    let stored = FrameContentChecksum.stored(UnsafeRawBufferPointer(rebasing: source[..<offset]))
                    guard output.withUnsafeBytes(FrameContentChecksum.of) == stored else { throw FrameContentChecksum.mismatch }
                }
                return output
            case .failed(let failure): throw failure
            case .full:
                capacity = output.count > Int.max / 2 ? Int.max : max(2 * output.count, 64)
                if let limit { capacity = min(capacity, max(limit, output.count) + 1) }
            }
        }
    }

    private enum DecodeStep { case finished, full, failed(LZ4Error) }

    /// Runs liblz4 on `source` from `offset` into `base[filled..<capacity]` until the
    /// frame ends, the space is used up, or an error.
    private func decode(
        _ context: OpaquePointer?, _ source: UnsafeRawBufferPointer, from offset: inout Int,
        into base: UnsafeMutableRawPointer, filled: inout Int, capacity: Int, limit: Int?
    ) -> DecodeStep {
        // liblz4's content checksum off: the caller checks it, whole (FrameContentChecksum).
        var options = LZ4F_decompressOptions_t(stableDst: 0, skipChecksums: 1, reserved1: 0, reserved0: 0)
        while true {
            var sourceSize = source.count - offset
            var written = capacity - filled
            let hint = LZ4F_decompress(context, base + filled, &written, source.baseAddress! + offset, &sourceSize, &options)
            if LZ4F_isError(hint) != 0 { return .failed(error("LZ4F_decompress", hint)) }
            filled += written
            offset += sourceSize
            if let limit, filled > limit { return .failed(tooLarge(limit)) }
            if hint == 0 { return .finished }
            if filled == capacity { return .full }
            if offset >= source.count && written == 0 {
                return .failed(LZ4Error(function: "LZ4F_decompress", name: "truncated frame"))
            }
        }
    }

    private func readyDecompressionContext() throws(LZ4Error) -> OpaquePointer? {
        if let decompressionContext { return decompressionContext }
        var context: OpaquePointer?
        let code = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
        if LZ4F_isError(code) != 0 { throw error("LZ4F_createDecompressionContext", code) }
        decompressionContext = context
        return context
    }

    private func tooLarge(_ limit: Int) -> LZ4Error {
        LZ4Error(function: "LZ4F_decompress", name: "frame holds more than \(limit) bytes")
    }

    private func error(_ function: String, _ code: Int) -> LZ4Error {
        LZ4Error(function: function, name: String(cString: LZ4F_getErrorName(code)))
    }
}
