import LZ4
import Testing

/// The streaming frame compressor and decompressor agree with the one-shot ones.
@Suite struct LZ4FrameStreamTests {
    func sample(_ count: Int) -> [UInt8] {
        var state: UInt32 = 7
        return (0..<count).map { index in
            state = state &* 1_103_515_245 &+ 12345
            return index % 3 == 0 ? UInt8(truncatingIfNeeded: state >> 16) : UInt8(index % 61)
        }
    }

    @Test func aFrameWrittenPieceByPieceDecodesWholeAndPieceByPiece() throws {
        let input = sample(9 << 20 + 123)
        let encoder = try LZ4FrameEncoder(contentSize: UInt64(input.count))
        var frame: [UInt8] = []
        try encoder.begin(appendingTo: &frame)
        for start in stride(from: 0, to: input.count, by: 1 << 20 - 7) {
            try input[start..<min(start + (1 << 20 - 7), input.count)].withUnsafeBytes { try encoder.update($0, appendingTo: &frame) }
        }
        try encoder.end(appendingTo: &frame)
        #expect(try LZ4Frame().decompress(frame[...]) == input)

        let (output, used) = try LZ4TestFrames.decodePieceByPiece(frame, piece: 65_536, bufferSize: 100_000)
        #expect(used == frame.count && output == input)
    }

    @Test func theEncoderRefusesBytesThatDifferFromTheAnnouncedSize() throws {
        let encoder = try LZ4FrameEncoder(contentSize: 10)
        var frame: [UInt8] = []
        try encoder.begin(appendingTo: &frame)
        try [UInt8](repeating: 1, count: 5).withUnsafeBytes { try encoder.update($0, appendingTo: &frame) }
        #expect(throws: LZ4Error.self) { try encoder.end(appendingTo: &frame) }
    }
}
