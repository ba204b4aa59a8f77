import BrickBundle
import Foundation
import Testing

/// Shared fixtures: a header and a writer of a few records into memory.
enum BundleSamples {
    static let folder = BundleRecordType(rawValue: 1)
    static let value = BundleRecordType(rawValue: 3)
    static let future = BundleRecordType(rawValue: 900)

    static func header(sequence: UInt64 = 1, parentDigest: [UInt8] = []) -> BundleHeader {
        BundleHeader(
            storeID: "0C6A9E1E-5D2B-4B8C-9F57-3F3C1B2A4D10", user: "alice", sequence: sequence,
            parentSequence: sequence - 1, parentDigest: parentDigest, kind: sequence == 1 ? .full : .incremental,
            createdAt: Date(timeIntervalSince1970: 1_790_000_000), brickVersion: "test", fromRun: 0, toRun: 7)
    }

    /// A bundle of a folder record, a streamed value of `valueSize` bytes and a skippable record.
    static func bundle(valueSize: Int = 100_000, sequence: UInt64 = 1) throws -> (bytes: [UInt8], trailer: BundleTrailer) {
        let output = BundleMemoryOutput()
        let writer = try BundleWriter(header: header(sequence: sequence), output: output)
        var fields = BundleFields()
        fields.set(1, Int64(42))
        fields.set(2, "Archive/2025 — Ünïcode")
        fields.set(3, bytes: [0, 1, 2, 255])
        try writer.append(folder, fields)
        let payload = pattern(valueSize)
        try writer.appendStreamed(value, length: UInt64(payload.count)) { write in
            var start = 0
            while start < payload.count {
                let end = min(payload.count, start + 7_777)
                try write(Array(payload[start..<end]))
                start = end
            }
        }
        try writer.append(future, BundleFields(), skippable: true)
        let trailer = try writer.finish()
        return (output.bytes, trailer)
    }

    static func pattern(_ count: Int) -> [UInt8] {
        var state: UInt32 = 99
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    /// Reads every record of the bundles on `input`; returns headers, the types read and the values.
    static func readAll(_ input: any BundleInput) throws -> [(BundleHeader, [UInt16], [UInt8], BundleTrailer?)] {
        var bundles: [(BundleHeader, [UInt16], [UInt8], BundleTrailer?)] = []
        while let reader = try BundleReader.next(from: input) {
            var types: [UInt16] = []
            var value: [UInt8] = []
            while let record = try reader.nextRecord() {
                types.append(record.type.rawValue)
                if record.type == BundleSamples.value {
                    try reader.readPayload(chunkSize: 5000) { value += $0 }
                } else if record.type == BundleSamples.folder {
                    _ = try reader.readFields()
                }
            }
            bundles.append((reader.header, types, value, reader.trailer))
        }
        return bundles
    }
}

@Suite struct BundleRoundTripTests {
    @Test func headerRecordsAndStreamedValueComeBackExactly() throws {
        let (bytes, trailer) = try BundleSamples.bundle()
        let bundles = try BundleSamples.readAll(BundleMemoryInput(bytes))
        try #require(bundles.count == 1)
        #expect(bundles[0].0 == BundleSamples.header())
        #expect(bundles[0].1 == [1, 3, 900], "records in order; the unread skippable one is passed over")
        #expect(bundles[0].2 == BundleSamples.pattern(100_000))
        #expect(bundles[0].3?.digest == trailer.digest)
        #expect(trailer.recordCount == 3)
        #expect(trailer.counts == [1: 1, 3: 1, 900: 1])
        #expect(trailer.digest.count == 32)
    }

    @Test func fieldsKeepEveryKindAndIgnoreNothing() throws {
        let output = BundleMemoryOutput()
        let writer = try BundleWriter(header: BundleSamples.header(), output: output)
        var fields = BundleFields()
        fields.set(1, Int64.min)
        fields.set(2, "")
        fields.set(3, bytes: [])
        fields.set(4, nil as String?)
        fields.set(500, Int64(-1))
        try writer.append(BundleSamples.folder, fields)
        try writer.finish()
        let reader = try #require(try BundleReader.next(from: BundleMemoryInput(output.bytes)))
        _ = try reader.nextRecord()
        let read = try reader.readFields()
        #expect(try read.int(1) == Int64.min)
        #expect(try read.string(2) == "")
        #expect(read.bytes(3) == [])
        #expect(try read.string(4) == nil, "an absent tag is NULL")
        #expect(try read.int(500) == -1)
        #expect(throws: BundleError.self) { try read.string(1) }
    }

    @Test func severalBundlesFollowOneAnotherOnOneStream() throws {
        let first = try BundleSamples.bundle(valueSize: 10, sequence: 1).bytes
        let second = try BundleSamples.bundle(valueSize: 300_000, sequence: 2).bytes
        let bundles = try BundleSamples.readAll(BundleMemoryInput(first + second))
        #expect(bundles.map(\.0.sequence) == [1, 2])
        #expect(bundles[1].2 == BundleSamples.pattern(300_000))
    }

    @Test func bundleFileAppearsOnlyOnCommitUnderASortableName() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try BundleFileOutput(directory: directory, user: "alice", sequence: 12)
        let writer = try BundleWriter(header: BundleSamples.header(), output: output)
        try writer.finish()
        let userDirectory = directory.appendingPathComponent("alice")
        #expect(!FileManager.default.fileExists(atPath: output.url.path))
        try output.commit()
        #expect(output.url.lastPathComponent == "0000000012.bundle")
        #expect(try FileManager.default.contentsOfDirectory(atPath: userDirectory.path) == ["0000000012.bundle"])
        let mode = try FileManager.default.attributesOfItem(atPath: output.url.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let bundles = try BundleSamples.readAll(BundleFileInput(url: output.url))
        #expect(bundles.count == 1 && bundles[0].3 != nil)
    }

    @Test func discardedBundleLeavesNothing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try BundleFileOutput(directory: directory, user: "bob", sequence: 1)
        try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try output.write($0) }
        output.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("bob").path).isEmpty)
    }

    @Test(arguments: ["", ".", "..", "a/b", "a\u{0}b"])
    func unsafeUserNamesNeverNameADirectory(user: String) {
        #expect(throws: BundleError.self) {
            _ = try BundleFileOutput(directory: FileManager.default.temporaryDirectory, user: user, sequence: 1)
        }
    }

    @Test func writerRefusesAValueOfAnotherLengthThanDeclared() throws {
        let writer = try BundleWriter(header: BundleSamples.header(), output: BundleMemoryOutput())
        #expect(throws: BundleError.self) {
            try writer.appendStreamed(BundleSamples.value, length: 10) { write in try write([1, 2, 3]) }
        }
    }
}
