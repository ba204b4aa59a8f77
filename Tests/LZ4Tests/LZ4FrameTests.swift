import Foundation
import LZ4
import Testing

@Suite struct LZ4FrameTests {
    @Test(arguments: [0, 1, 100, 70_000, 5_000_000])
    func roundTripIsExact(size: Int) throws {
        var state: UInt32 = 7
        let input = (0..<size).map { index -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return index % 3 == 0 ? UInt8(truncatingIfNeeded: state >> 24) : UInt8(ascii: "a")
        }
        let lz4 = LZ4Frame()
        let frame = try lz4.compress(input)
        #expect(try lz4.decompress(frame[...]) == input)
        #expect(try lz4.decompress(frame[...]) == input, "a reused context decodes again")
    }

    @Test func frameIsWhatTheLz4ToolReads() throws {
        let frame = try LZ4Frame().compress(Array("hello, lz4\n".utf8))
        #expect(Array(frame.prefix(4)) == [0x04, 0x22, 0x4D, 0x18], "LZ4 frame magic")
        #expect(frame[4] & 0x04 != 0, "content checksum flag")
        #expect(frame[4] & 0x08 != 0, "content size flag")
    }

    @Test func damagedOrTruncatedFramesAreRejected() throws {
        let input = Array(String(repeating: "backup ", count: 1000).utf8)
        let lz4 = LZ4Frame()
        let frame = try lz4.compress(input)
        var damaged = frame
        damaged[damaged.count - 6] ^= 1
        #expect(throws: LZ4Error.self) { try lz4.decompress(damaged[...]) }
        #expect(throws: LZ4Error.self) { try lz4.decompress(frame.dropLast(3)) }
        #expect(throws: LZ4Error.self) { try lz4.decompress([][...]) }
    }
}
