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

        let decoder = try LZ4FrameDecoder()
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 100_000)
        var offset = 0
        while !decoder.isFinished {
            let end = min(offset + 65_536, frame.count)
            let (used, made) = try frame[offset..<end].withUnsafeBytes { input in
                try buffer.withUnsafeMutableBytes { try decoder.decode(input, into: $0) }
            }
            offset += used
            output += buffer[0..<made]
        }
        #expect(offset == frame.count && output == input)
    }

    @Test func theEncoderRefusesBytesThatDifferFromTheAnnouncedSize() throws {
        let encoder = try LZ4FrameEncoder(contentSize: 10)
        var frame: [UInt8] = []
        try encoder.begin(appendingTo: &frame)
        try [UInt8](repeating: 1, count: 5).withUnsafeBytes { try encoder.update($0, appendingTo: &frame) }
        #expect(throws: LZ4Error.self) { try encoder.end(appendingTo: &frame) }
    }
}
