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
/// so a damaged value is detected on the way out.
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
    /// capacity is the frame's bound (at most the input's size plus a little).
    public func compress(_ input: [UInt8], after prefix: [UInt8], into output: inout [UInt8]) throws(LZ4Error) {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        preferences.frameInfo.contentSize = UInt64(input.count)
        preferences.frameInfo.blockSizeID = LZ4F_max4MB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        let bound = LZ4F_compressFrameBound(input.count, &preferences)
        var written = 0
        output = [UInt8](unsafeUninitializedCapacity: prefix.count + bound) { buffer, count in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            prefix.withUnsafeBytes { if let bytes = $0.baseAddress { base.copyMemory(from: bytes, byteCount: $0.count) } }
            written = input.withUnsafeBytes { inp in
                LZ4F_compressFrame(base + prefix.count, bound, inp.baseAddress, inp.count, &preferences)
            }
            count = LZ4F_isError(written) != 0 ? 0 : prefix.count + written
        }
        if LZ4F_isError(written) != 0 { throw error("LZ4F_compressFrame", written) }
    }

    /// Decompresses one frame, checking its content checksum. `expectedSize` only sizes
    /// the first allocation (bounded by what the frame can expand to); output beyond
    /// `limit` bytes, when given, stops decompression with an error.
    public func decompress(_ frame: ArraySlice<UInt8>, expectedSize: Int? = nil, limit: Int? = nil) throws(LZ4Error) -> [UInt8] {
        if decompressionContext == nil {
            var context: OpaquePointer?
            let code = LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))
            if LZ4F_isError(code) != 0 { throw error("LZ4F_createDecompressionContext", code) }
            decompressionContext = context
        }
        let context = decompressionContext
        LZ4F_resetDecompressionContext(context)
        var output = [UInt8]()
        let bound = frame.count.multipliedReportingOverflow(by: 256)
        let most = bound.overflow ? Int.max : bound.partialValue
        output.reserveCapacity(max(0, min(expectedSize ?? frame.count * 3, most, 1 << 30)))
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        var finished = false
        var failure: LZ4Error?
        guard !frame.isEmpty else { throw LZ4Error(function: "LZ4F_decompress", name: "empty frame") }
        frame.withUnsafeBytes { source in
            var offset = 0
            while true {
                var sourceSize = source.count - offset
                var chunkSize = chunk.count
                let hint = chunk.withUnsafeMutableBytes { out in
                    LZ4F_decompress(context, out.baseAddress, &chunkSize, source.baseAddress! + offset, &sourceSize, nil)
                }
                if LZ4F_isError(hint) != 0 { failure = error("LZ4F_decompress", hint); return }
                if let limit, output.count + chunkSize > limit {
                    failure = LZ4Error(function: "LZ4F_decompress", name: "frame holds more than \(limit) bytes"); return
                }
                output.append(contentsOf: chunk[0..<chunkSize])
                offset += sourceSize
                if hint == 0 { finished = true; return }
                if offset >= source.count && chunkSize == 0 { return }
            }
        }
        if let failure { throw failure }
        if !finished { throw LZ4Error(function: "LZ4F_decompress", name: "truncated frame") }
        return output
    }

    private func error(_ function: String, _ code: Int) -> LZ4Error {
        LZ4Error(function: function, name: String(cString: LZ4F_getErrorName(code)))
    }
}
