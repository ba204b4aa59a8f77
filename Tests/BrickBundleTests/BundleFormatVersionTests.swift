@testable import BrickBundle
import Foundation
import Testing

/// Bundle format 2 (XXH3-128 record checksums) next to format 1 (SHA-256), which every
/// reader still accepts (docs/FORMAT.md §8).
@Suite struct BundleFormatVersionTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/bundle-encryption")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("format-\(UUID().uuidString)")

    /// One record's place in a bundle's bytes: where it starts, and its head and payload
    /// length, so that its checksum follows at `start + 28 + length`.
    struct Place {
        var start: Int
        var type: UInt16
        var length: Int
    }

    static func littleEndian(_ bytes: [UInt8], at offset: Int, count: Int) -> Int {
        (0..<count).reversed().reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }

    /// The records of a bundle, found by walking the lengths, with `sumSize` bytes of
    /// checksum after each.
    static func places(_ bytes: [UInt8], sumSize: Int) -> [Place] {
        var offset = 14 + littleEndian(bytes, at: 10, count: 4) + 32
        var places: [Place] = []
        while offset + 28 <= bytes.count, Array(bytes[offset..<offset + 4]) == Array("BRKR".utf8) {
            let place = Place(
                start: offset, type: UInt16(littleEndian(bytes, at: offset + 4, count: 2)),
                length: littleEndian(bytes, at: offset + 16, count: 8))
            places.append(place)
            offset += 28 + place.length + sumSize
        }
        return places
    }

    /// `xxhsum -H2` (the xxhash package's command, not Brick's library) of `bytes`.
    func xxhsum(_ bytes: [UInt8]) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("record")
        try Data(bytes).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xxhsum", "-H2", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "xxhsum (Debian package xxhash) is needed")
        return String(text.prefix { $0 != " " })
    }

    static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    @Test func aNewBundleIsVersionTwoWithXXH3RecordChecksums() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes = try BundleSamples.bundle(valueSize: 20_000).bytes
        #expect(bytes[8] == 2 && bytes[9] == 0, "bundle format version 2, little-endian")
        let places = Self.places(bytes, sumSize: 16)
        #expect(places.map(\.type) == [1, 3, 900, 0xFFFF], "16-byte checksums put every record where the walk expects it")
        for place in places.prefix(2) {
            let end = place.start + 28 + place.length
            #expect(Self.hex(bytes[end..<end + 16]) == (try xxhsum(Array(bytes[place.start..<end]))))
        }
        #expect(Array(bytes.suffix(8)) == Array("BRKBEND\n".utf8))
    }

    @Test func theVersionOneFixtureStillReadsScansAndEnds() throws {
        let url = Self.fixtures.appendingPathComponent("plain.bundle")
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(bytes[8] == 1)
        #expect(!Self.places(bytes, sumSize: 32).isEmpty)
        let reader = try #require(try BundleReader.next(from: BundleFileInput(url: url)))
        #expect(reader.version == 1)
        var records = 0
        while try reader.nextRecord() != nil {
            try reader.skipPayload()
            records += 1
        }
        let digest = try #require(reader.chainDigest)
        let scan = try BundleScan.scan(url)
        #expect(scan.isIntact && scan.intactRecords == UInt64(records))
        #expect(scan.trailer?.digest == reader.trailer?.digest)
        #expect(try BundleTail.read(url, header: reader.header, encrypted: false).chainDigest == digest)
    }

    @Test func aVersionThreeHeaderIsRefusedByEveryReader() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        var bytes = try BundleSamples.bundle(valueSize: 100).bytes
        bytes[8] = 3
        #expect(throws: BundleError.unsupportedVersion(3)) { _ = try BundleReader.next(from: BundleMemoryInput(bytes)) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("0000000001.bundle")
        try Data(bytes).write(to: url)
        #expect(throws: BundleError.unsupportedVersion(3)) { _ = try BundleScan.scan(url) }
        #expect(throws: BundleError.unsupportedVersion(3)) {
            _ = try BundleTail.read(url, header: BundleSamples.header(), encrypted: false)
        }
        #expect("\(BundleError.unsupportedVersion(3))" == "bundle format 3 is newer than this Brick reads (1 to 2)")
    }

    @Test func aNewerEnvelopeIsRefusedAsAnEnvelopeNotAsABundleFormat() throws {
        var bytes = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("encrypted.bundle")))
        bytes[8] = 2
        #expect(throws: BundleError.unsupportedEnvelopeVersion(2)) {
            _ = try BundleReader.open(from: BundleMemoryInput(bytes), identities: [])
        }
        #expect("\(BundleError.unsupportedEnvelopeVersion(2))" == "bundle envelope version 2 is newer than this Brick reads (1)")
    }

    @Test func aFlippedChecksumByteOfAVersionTwoRecordIsNamedAndTheScanGoesOn() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        var bytes = try BundleSamples.bundle(valueSize: 30_000).bytes
        let value = try #require(Self.places(bytes, sumSize: 16).first { $0.type == 3 })
        bytes[value.start + 28 + value.length + 5] ^= 0x40
        guard case .damagedRecord(let index, _, let detail) = Self.readError(bytes) else {
            Issue.record("expected a damaged record")
            return
        }
        #expect(index == 1 && detail == "checksum mismatch")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("0000000001.bundle")
        try Data(bytes).write(to: url)
        let report = try BundleScan.scan(url)
        #expect(report.damage.map(\.index) == [1])
        #expect(report.intactCounts == [1: 1, 900: 1], "the records on both sides are intact")
    }

    @Test func aChainMayMixVersionsAndFoldsIntoVersionTwoWithItsDigestsUnchanged() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let steps: [[ToyStore.Change]] = [
            [.run(1), .row("A", flags: 0, value: [1, 1]), .row("B", flags: 0, value: [2, 2])],
            [.run(2), .row("A", flags: 1, value: nil), .remove("B")],
            [.run(3), .row("C", flags: 3, value: [3, 3, 3])],
        ]
        // Bundles 1 and 2 as an older Brick wrote them; bundle 3 names 2's digest as parent.
        let states = try ToyStore.writeChain(
            steps, into: directory, start: Date(timeIntervalSince1970: 1_790_000_000), version: { $0 < 2 ? 1 : 2 })
        var (chain, _) = try BundleDirectory.chain(in: directory, user: "alice")
        #expect(try chain.map { try Self.version(of: $0.url) } == [1, 1, 2])
        let secondDigest = try Self.chainDigest(chain[1].url)
        let output = try BundleFileOutput(directory: directory, user: "alice", sequence: 2)
        _ = try BundleConsolidation.consolidate(Array(chain[0...1]), schema: ToyStore.Schema(), brickVersion: "test", into: output)
        try output.commit()
        #expect(try Self.version(of: output.url) == 2)
        #expect(try Self.chainDigest(output.url) == secondDigest, "the fold stands in for bundle 2 under its digest")
        (chain, _) = try BundleDirectory.chain(in: directory, user: "alice")
        #expect(chain.map(\.header.sequence) == [2, 3])
        #expect(chain[1].header.parentDigest == secondDigest)
        var replica = ToyStore()
        try replica.apply(chain[0].url)
        #expect(replica == states[1])
        try replica.apply(chain[1].url)
        #expect(replica == states[2])
    }

    static func version(of url: URL) throws -> UInt16 {
        try #require(try BundleReader.next(from: BundleFileInput(url: url))).version
    }

    static func chainDigest(_ url: URL) throws -> [UInt8]? {
        let reader = try #require(try BundleReader.next(from: BundleFileInput(url: url)))
        while try reader.nextRecord() != nil { try reader.skipPayload() }
        return reader.chainDigest
    }

    static func readError(_ bytes: [UInt8]) -> BundleError? {
        do {
            _ = try BundleSamples.readAll(BundleMemoryInput(bytes))
            return nil
        } catch {
            return error as? BundleError
        }
    }
}
