import Foundation
import Testing
import XXHash

/// XXH3-128 against values printed by `xxhsum -H2` (xxHash 0.8.1), whose empty-input
/// value is also the one xxHash's own sanity checks list.
@Suite struct XXH3HasherTests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// 0, 1, …, 255 forty times: 10,240 bytes, long enough for XXH3's stripe loop.
    static let long = (0..<40).flatMap { _ in (0...255).map { UInt8($0) } }

    @Test func theDigestsOfKnownInputsAreXxhsumsCanonicalForm() throws {
        #expect(Self.hex(try XXH3Hasher.hash([])) == "99aa06d3014798d86001c324468d497f")
        #expect(Self.hex(try XXH3Hasher.hash(Array("abc".utf8))) == "06b05ab6733a618578af5f94892f3950")
        #expect(Self.hex(try XXH3Hasher.hash(Self.long)) == "1cb22534d0d96975c03d2231ab9348f3")
    }

    @Test func pieceByPieceEqualsTheWholeInput() throws {
        let hasher = try XXH3Hasher()
        for start in stride(from: 0, to: Self.long.count, by: 997) {
            try hasher.update(Self.long[start..<min(start + 997, Self.long.count)])
        }
        #expect(Self.hex(hasher.digest()) == "1cb22534d0d96975c03d2231ab9348f3")
    }

    @Test func resetForgetsThePreviousInput() throws {
        let hasher = try XXH3Hasher()
        try hasher.update(Self.long)
        try hasher.reset()
        try hasher.update(Array("abc".utf8))
        #expect(Self.hex(hasher.digest()) == "06b05ab6733a618578af5f94892f3950")
        #expect(hasher.digest().count == XXH3Hasher.digestSize)
    }
}
