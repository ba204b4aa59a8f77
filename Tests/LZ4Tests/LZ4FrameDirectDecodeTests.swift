import CLZ4
import LZ4
import Testing

/// `LZ4Frame.decompress` decodes into its output directly: frames larger than any one
/// step of liblz4, with or without a content size in their header, come back exact.
@Suite struct LZ4FrameDirectDecodeTests {
    static let sizes = [256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 3 * 256 * 1024 + 17, 4 << 20, (4 << 20) + 5, 9 << 20]

    func sample(_ count: Int) -> [UInt8] {
        var state: UInt32 = 11
        return (0..<count).map { index in
            state = state &* 1_664_525 &+ 1_013_904_223
            return index % 4 == 0 ? UInt8(truncatingIfNeeded: state >> 24) : UInt8(index % 37)
        }
    }

    /// A frame as the `lz4` command writes it: content checksum, no content size.
    func frameWithoutContentSize(_ input: [UInt8]) -> [UInt8] {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        preferences.frameInfo.blockSizeID = LZ4F_max4MB
        return LZ4TestFrames.liblz4Frame(input, preferences)
    }

    @Test(arguments: sizes)
    func framesWithContentSizeAcrossTheChunkSizeDecodeExactly(size: Int) throws {
        let input = sample(size)
        let lz4 = LZ4Frame()
        let frame = try lz4.compress(input)
        #expect(frame[4] & 0x08 != 0, "content size in the header")
        #expect(try lz4.decompress(frame[...]) == input)
        #expect(try lz4.decompress(frame[...], expectedSize: size, limit: size) == input)
    }

    @Test(arguments: sizes)
    func framesWithoutContentSizeDecodeExactlyWhateverTheFirstGuess(size: Int) throws {
        let input = sample(size)
        let frame = frameWithoutContentSize(input)
        #expect(frame[4] & 0x08 == 0, "no content size in the header")
        let lz4 = LZ4Frame()
        #expect(try lz4.decompress(frame[...]) == input)
        #expect(try lz4.decompress(frame[...], expectedSize: 1) == input, "the output grows from a small guess")
        #expect(try lz4.decompress(frame[...], expectedSize: size, limit: size) == input)
    }

    @Test func outputBeyondTheLimitIsRefusedWithOrWithoutContentSize() throws {
        let input = sample(300_000)
        let lz4 = LZ4Frame()
        for frame in [try lz4.compress(input), frameWithoutContentSize(input)] {
            #expect(throws: LZ4Error.self) { try lz4.decompress(frame[...], expectedSize: 1000, limit: input.count - 1) }
        }
    }

    @Test func aFrameCutInItsChecksumIsTruncatedNotTooLarge() throws {
        let input = sample(300_000)
        let lz4 = LZ4Frame()
        for frame in [try lz4.compress(input), frameWithoutContentSize(input)] {
            let error = #expect(throws: LZ4Error.self) { try lz4.decompress(frame.dropLast(2), limit: input.count) }
            #expect(error?.name == "truncated frame")
        }
    }
}
