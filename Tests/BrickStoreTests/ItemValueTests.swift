import BrickCore
@testable import BrickStore
import LZ4
import Testing

@Suite struct ItemValueTests {
    let header = ItemHeader(
        flags: ItemFlags(system: [.seen, .flagged], keywords: ["$Label1", "Work"]), internalDate: 1_700_000_000,
        rawSize: 5, uid: 42, modSeq: 7, sha256: Array(repeating: 0xAB, count: 32))

    @Test func roundTripKeepsHeaderAndBytes() throws {
        let raw: [UInt8] = Array("Hello".utf8)
        let value = try ItemValue.encode(header: header, raw: raw, compressor: LZ4Frame())
        let (decoded, bytes) = try ItemValue.decode(value, decompressor: LZ4Frame())
        #expect(decoded == header)
        #expect(bytes == raw)
    }

    @Test func headerStartsWithMagicAndVersion() throws {
        let value = try ItemValue.encode(header: header, raw: Array("Hello".utf8), compressor: LZ4Frame())
        #expect(Array(value[0..<5]) == Array("BRKI".utf8) + [1])
        // Flags little-endian at offset 6: seen (1) | flagged (4).
        #expect(value[6] == 5 && value[7] == 0)
        // Internal date at offset 8.
        #expect(Array(value[8..<16]) == [0x00, 0xF1, 0x53, 0x65, 0, 0, 0, 0])
    }

    @Test func newerVersionIsRefused() throws {
        var value = try ItemValue.encode(header: header, raw: Array("Hello".utf8), compressor: LZ4Frame())
        value[4] = 2
        #expect(throws: ItemValue.DecodingError.unsupportedVersion(2)) { try ItemValue.decodeHeader(value) }
    }

    @Test func truncatedAndForeignValuesAreRefused() throws {
        #expect(throws: ItemValue.DecodingError.truncated) { try ItemValue.decodeHeader([1, 2, 3]) }
        #expect(throws: ItemValue.DecodingError.badMagic) { try ItemValue.decodeHeader(Array(repeating: 0, count: 80)) }
    }

    @Test func flippedByteInFrameIsDetectedByChecksum() throws {
        let raw = Array(String(repeating: "mail body line\r\n", count: 200).utf8)
        var value = try ItemValue.encode(header: header, raw: raw, compressor: LZ4Frame())
        value[value.count - 10] ^= 0xFF
        #expect(throws: (any Error).self) { try ItemValue.decode(value, decompressor: LZ4Frame()) }
    }
}
