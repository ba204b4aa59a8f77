import CLZ4
import LZ4
import Testing

/// The content checksum is computed outside liblz4, and the frames stay those liblz4
/// writes with its own checksum on; a frame whose content no longer matches its
/// checksum is refused by both decoders.
@Suite struct LZ4FrameChecksumTests {
    static let sizes = [0, 1, 100, 65_536, 70_000, 4 << 20, (4 << 20) + 5, 9 << 20]

    /// Text-like bytes when `compressible`, otherwise bytes no LZ4 match shortens.
    func sample(_ count: Int, compressible: Bool) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { index in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return compressible && index % 4 != 0 ? UInt8(ascii: "a") + UInt8(index % 23) : UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    static let piece = 1_000_003

    func preferences(_ input: [UInt8]) -> LZ4F_preferences_t {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        preferences.frameInfo.contentSize = UInt64(input.count)
        preferences.frameInfo.blockSizeID = LZ4F_max4MB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        return preferences
    }

    /// The frame liblz4 writes itself in one call, its checksum on, with `LZ4Frame`'s
    /// preferences.
    func liblz4Frame(_ input: [UInt8]) -> [UInt8] {
        LZ4TestFrames.liblz4Frame(input, preferences(input))
    }

    /// The frame liblz4 writes itself piece by piece, its checksum on (the header keeps
    /// 4 MB blocks whatever the size, unlike the one-call frame).
    func liblz4StreamedFrame(_ input: [UInt8]) -> [UInt8] {
        var preferences = preferences(input)
        var context: OpaquePointer?
        precondition(LZ4F_isError(LZ4F_createCompressionContext(&context, UInt32(LZ4F_VERSION))) == 0)
        defer { LZ4F_freeCompressionContext(context) }
        var frame = [UInt8](repeating: 0, count: LZ4F_compressBound(input.count, &preferences) + Int(LZ4F_HEADER_SIZE_MAX) + 64)
        var written = 0
        frame.withUnsafeMutableBytes { out in
            written += LZ4F_compressBegin(context, out.baseAddress, out.count, &preferences)
            for start in stride(from: 0, to: input.count, by: Self.piece) {
                written += input[start..<min(start + Self.piece, input.count)].withUnsafeBytes {
                    LZ4F_compressUpdate(context, out.baseAddress! + written, out.count - written, $0.baseAddress, $0.count, nil)
                }
            }
            written += LZ4F_compressEnd(context, out.baseAddress! + written, out.count - written, nil)
        }
        return Array(frame[0..<written])
    }

    func streamed(_ input: [UInt8]) throws -> [UInt8] {
        let encoder = try LZ4FrameEncoder(contentSize: UInt64(input.count))
        var frame: [UInt8] = []
        try encoder.begin(appendingTo: &frame)
        for start in stride(from: 0, to: input.count, by: Self.piece) {
            try input[start..<min(start + Self.piece, input.count)].withUnsafeBytes { try encoder.update($0, appendingTo: &frame) }
        }
        try encoder.end(appendingTo: &frame)
        return frame
    }

    func decodePieceByPiece(_ frame: [UInt8]) throws -> [UInt8] {
        try LZ4TestFrames.decodePieceByPiece(frame, piece: 3_001, bufferSize: 70_000).output
    }

    @Test(arguments: sizes, [true, false])
    func framesAreByteForByteWhatLiblz4WritesWithItsOwnChecksum(size: Int, compressible: Bool) throws {
        let input = sample(size, compressible: compressible)
        #expect(try LZ4Frame().compress(input) == liblz4Frame(input))
        #expect(try streamed(input) == liblz4StreamedFrame(input), "the streaming encoder too")
    }

    @Test(arguments: [100, 70_000, (4 << 20) + 5])
    func aChangedByteOfContentIsRefusedByBothDecoders(size: Int) throws {
        // Incompressible: the blocks are stored raw, so one flipped byte changes the
        // content and nothing else in the frame; only the content checksum can see it.
        let input = sample(size, compressible: false)
        let lz4 = LZ4Frame()
        var frame = try lz4.compress(input)
        #expect(try lz4.decompress(frame[...]) == input)
        #expect(try decodePieceByPiece(frame) == input)
        frame[frame.count / 2] ^= 0x10
        let whole = #expect(throws: LZ4Error.self) { try lz4.decompress(frame[...]) }
        #expect(whole?.name == "ERROR_contentChecksum_invalid")
        let pieces = #expect(throws: LZ4Error.self) { try decodePieceByPiece(frame) }
        #expect(pieces?.name == "ERROR_contentChecksum_invalid")
    }

    @Test func aChangedChecksumIsRefusedByBothDecoders() throws {
        let input = sample(5_000, compressible: true)
        let lz4 = LZ4Frame()
        var frame = try lz4.compress(input)
        frame[frame.count - 1] ^= 0x01
        #expect(throws: LZ4Error.self) { try lz4.decompress(frame[...]) }
        #expect(throws: LZ4Error.self) { try decodePieceByPiece(frame) }
    }
}
