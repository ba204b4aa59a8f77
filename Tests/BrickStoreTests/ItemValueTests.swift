import BrickCore
import Foundation
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
        #expect(Array(value[0..<6]) == Array("BRKI".utf8) + [2, 0])
        // Flags little-endian at offset 6: seen (1) | flagged (4).
        #expect(value[6] == 5 && value[7] == 0)
        // Internal date at offset 8.
        #expect(Array(value[8..<16]) == [0x00, 0xF1, 0x53, 0x65, 0, 0, 0, 0])
    }

    @Test func newerVersionIsRefused() throws {
        var value = try ItemValue.encode(header: header, raw: Array("Hello".utf8), compressor: LZ4Frame())
        value[4] = 3
        #expect(throws: ItemValue.DecodingError.unsupportedVersion(3)) { try ItemValue.decodeHeader(value) }
    }

    @Test func truncatedAndForeignValuesAreRefused() throws {
        #expect(throws: ItemValue.DecodingError.truncated) { try ItemValue.decodeHeader([1, 2, 3]) }
        #expect(throws: ItemValue.DecodingError.badMagic) { try ItemValue.decodeHeader(Array(repeating: 0, count: 80)) }
    }

    @Test func aSegmentedValueWhoseFrameLengthIsNearTheLargestIntegerIsRefusedAsLayout() throws {
        // A damaged record's frame length must be refused, not overflow the segment count.
        for frameLength in [UInt64.max, UInt64.max - 0x90, UInt64.max - UInt64(SegmentKey.segmentSize) + 2] {
            let value = ItemValue.encode(header: header, frameLength: frameLength, segmentCount: 3)
            #expect(throws: ItemValue.DecodingError.segmentLayout("3 segments cannot hold a frame of \(frameLength) bytes")) {
                try ItemValue.decodeHeader(value)
            }
        }
        #expect(SegmentKey.segmentCount(frameLength: UInt64.max) == UInt64.max / UInt64(SegmentKey.segmentSize) + 1)
        #expect(SegmentKey.segmentCount(frameLength: UInt64(SegmentKey.segmentSize) * 2) == 2)
        #expect(SegmentKey.segmentCount(frameLength: UInt64(SegmentKey.segmentSize) * 2 + 1) == 3)
    }

    @Test func flippedByteInFrameIsDetectedByChecksum() throws {
        let raw = Array(String(repeating: "mail body line\r\n", count: 200).utf8)
        var value = try ItemValue.encode(header: header, raw: raw, compressor: LZ4Frame())
        value[value.count - 10] ^= 0xFF
        #expect(throws: (any Error).self) { try ItemValue.decode(value, decompressor: LZ4Frame()) }
    }

    @Test func versionOneValueStillDecodes() throws {
        var value = try ItemValue.encode(header: header, raw: Array("Hello".utf8), compressor: LZ4Frame())
        value[4] = 1
        let (decoded, bytes) = try ItemValue.decode(value, decompressor: LZ4Frame())
        #expect(decoded == header)
        #expect(bytes == Array("Hello".utf8))
    }

    @Test func referenceValueIsHeaderThenFolderIDKeyLengthAndKey() throws {
        let reference = BodyReference(folderID: 0x0102, key: "7.42")
        let value = ItemValue.encode(header: header, sharing: reference)
        let keywords = Array("$Label1 Work".utf8)
        #expect(value[5] == 1)
        #expect(Array(value[70..<(70 + keywords.count)]) == keywords)
        #expect(Array(value[(70 + keywords.count)...]) == [0x02, 0x01, 0, 0, 0, 0, 0, 0, 4, 0] + Array("7.42".utf8))
        let (decoded, body) = try ItemValue.decodeHeader(value)
        #expect(decoded == header)
        #expect(body == .shared(reference))
    }

    @Test func referenceValueReadsTheBytesOfItsHolder() throws {
        let raw = Array("Shared body\r\n".utf8)
        var header = header
        header.rawSize = UInt64(raw.count)
        let holder = try ItemValue.encode(header: header, raw: raw, compressor: LZ4Frame())
        var own = header
        own.uid = 99
        let value = ItemValue.encode(header: own, sharing: BodyReference(folderID: 1, key: "1.1"))
        let (decoded, bytes) = try ItemValue.decode(value, frameFrom: holder, decompressor: LZ4Frame())
        #expect(decoded.uid == 99)
        #expect(bytes == raw)
        #expect(throws: ItemValue.DecodingError.holderIsReference) {
            try ItemValue.decode(value, frameFrom: value, decompressor: LZ4Frame())
        }
    }

    @Test func replacingBodyKeepsTheHeaderAndSwapsFrameAndReference() throws {
        let raw = Array("Shared body\r\n".utf8)
        var header = header
        header.rawSize = UInt64(raw.count)
        let holder = try ItemValue.encode(header: header, raw: raw, compressor: LZ4Frame())
        var own = header
        own.uid = 7
        let reference = ItemValue.encode(header: own, sharing: BodyReference(folderID: 3, key: "a"))
        let promoted = try ItemValue.replacingBody(of: reference, with: .frame(of: holder))
        let (decoded, bytes) = try ItemValue.decode(promoted, decompressor: LZ4Frame())
        #expect(decoded == own)
        #expect(bytes == raw)
        let repointed = try ItemValue.replacingBody(of: reference, with: .reference(BodyReference(folderID: 9, key: "longer key")))
        #expect(try ItemValue.decodeHeader(repointed) == (own, .shared(BodyReference(folderID: 9, key: "longer key"))))
    }

    /// Inputs the item-value fuzz target found crashing (an allocation of the header's
    /// raw size, 2^40, before any check; a raw size of 2^63 trapping in `Int(_:)`):
    /// each must be a decoding error, never a trap.
    @Test(arguments: [
        "42524b49020000000000000000000000000000000001000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000004224d186440a70600008068656c6c6f0a00000000f95b6b94",
        "42524b49020000000000000000000000000000000000008000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000004224d186440a70600008068656c6c6f0a00000000f95b6b94",
    ])
    func fuzzedValuesWithHugeRawSizesAreRefused(hex: String) throws {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(try #require(UInt8(hex[index..<next], radix: 16)))
            index = next
        }
        #expect(bytes.count == 94)
        #expect(throws: ItemValue.DecodingError.self) { try ItemValue.decode(bytes, decompressor: LZ4Frame()) }
    }

    /// Found by the item-value fuzz target: a keyword starting with a combining mark
    /// merged with the space before it when the header was written again.
    @Test func keywordsStartingWithACombiningMarkSurviveARewrite() throws {
        let flags = ItemFlags(system: [], keywords: ["a", "\u{337}b"])
        let value = ItemValue.encode(
            header: ItemHeader(flags: flags, internalDate: 0, rawSize: 1, uid: 0, modSeq: 0, sha256: Array(repeating: 0, count: 32)),
            sharing: BodyReference(folderID: 1, key: "k"))
        let (header, _) = try ItemValue.decodeHeader(value)
        #expect(header.flags.keywords.map { Array($0.unicodeScalars) } == flags.keywords.map { Array($0.unicodeScalars) })
        let (again, _) = try ItemValue.decodeHeader(ItemValue.encode(header: header, sharing: BodyReference(folderID: 1, key: "k")))
        #expect(again == header)
    }

    /// Found by the item-value fuzz target: a reference value whose key is not valid
    /// UTF-8 (it re-encodes longer than it was read), given a new body. The header's
    /// end was computed from the re-encoded reference and fell before its start.
    @Test func aReferenceWithAnInvalidKeyGetsANewBodyWithoutATrap() throws {
        let encoded: [String] = [
            "QlJLSQIBAQBYK/NTZQAAAAC/AAAAAAAAAAAAAAAAAAAAAAAAABMAKCu7CrLGLBayEz46ZOFvgy7Drk00yL05rUJSS0kCAAEA4JZV",
            "ZQAAAAAVAQAAAAAAAAAAAAAACgAAAAAAAP1qbtLQnVAsd4NcRzDrS0dm5ZVk8TiiH1Ba7V0DgnkcQAAEIk0YZEBUbwBvYm9iFAC/",
            "b3JnClN1YmplY4ysAAP0Q1JueExYRGhzR3loQz89CkRhdGU6IFRodSwgwZ4iTZMAABAAAAAAAAAAQlJLSQIAAQAg9FNlAAAAAMMA",
            "AAAAAAAAAQAAIAAAAAAAAAAA5DH////////////////TjSgyFULZ0tsimOV1Cb3//////6+WrY6u4cHayviCInsuaYwgAAQVQtnS",
            "2yKY5XUJva+WIk0YFwAxNzAwMDAwNmRAp8AA9QAeADAwLk3//////////////0Zy//9v////////bf8=",
        ]
        let value = try #require(Data(base64Encoded: encoded.joined()))
        let bytes = Array(value)
        guard case .shared = try ItemValue.decodeHeader(bytes).1 else {
            Issue.record("the input is no longer read as a reference")
            return
        }
        let frame = try ItemValue.encode(header: header, raw: Array("Hello".utf8), compressor: LZ4Frame())
        let replaced = try ItemValue.replacingBody(of: bytes, with: .frame(of: frame))
        #expect(try ItemValue.decodeHeader(replaced).0 == ItemValue.decodeHeader(bytes).0)
    }
}
