import BrickBundle
import Foundation
import Testing

@Suite struct BundleDamageTests {
    /// Reads a bundle to its end; returns the error the reader threw, if any.
    func readError(_ bytes: [UInt8]) -> BundleError? {
        do {
            _ = try BundleSamples.readAll(BundleMemoryInput(bytes))
            return nil
        } catch let error as BundleError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func everyFlippedByteIsDetected() throws {
        let bytes = try BundleSamples.bundle(valueSize: 3000).bytes
        for position in stride(from: 0, to: bytes.count, by: 1) {
            var damaged = bytes
            damaged[position] ^= 0x20
            #expect(readError(damaged) != nil, "a flipped byte at \(position) of \(bytes.count) went unnoticed")
        }
    }

    @Test func everyTruncationIsDetected() throws {
        let bytes = try BundleSamples.bundle(valueSize: 3000).bytes
        for length in stride(from: 1, to: bytes.count, by: 7) {
            #expect(readError(Array(bytes.prefix(length))) != nil, "a bundle cut at \(length) went unnoticed")
        }
    }

    @Test func aFlippedByteInAValueNamesThatRecord() throws {
        var bytes = try BundleSamples.bundle(valueSize: 50_000).bytes
        bytes[bytes.count / 2] ^= 1
        guard case .damagedRecord(let index, _, let detail) = readError(bytes) else {
            Issue.record("expected a damaged record")
            return
        }
        #expect(index == 1)
        #expect(detail == "checksum mismatch")
    }

    @Test func notABundleAndANewerFormatAreSaidSo() throws {
        #expect(readError(Array("From alice Mon Jan  1\n".utf8)) == .notABundle)
        var bytes = try BundleSamples.bundle(valueSize: 10).bytes
        bytes[8] = 9
        #expect(readError(bytes) == .unsupportedVersion(9))
    }

    @Test func scanLocatesDamageAndSalvagesTheRecordsAfterIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (bytes, trailer) = try BundleSamples.bundle(valueSize: 50_000)
        let intact = directory.appendingPathComponent("intact.bundle")
        try Data(bytes).write(to: intact)
        let clean = try BundleScan.scan(intact)
        #expect(clean.isIntact)
        #expect(clean.trailer?.digest == trailer.digest)
        #expect(clean.header == BundleSamples.header())

        var payloadHit = bytes
        payloadHit[bytes.count / 2] ^= 1
        let hit = directory.appendingPathComponent("payload.bundle")
        try Data(payloadHit).write(to: hit)
        let report = try BundleScan.scan(hit)
        #expect(!report.isIntact)
        #expect(report.damage.map(\.index) == [1])
        #expect(report.intactCounts == [1: 1, 900: 1], "the records around the damaged value are intact")

        let firstRecord = try #require(firstRecordOffset(bytes))
        var headHit = bytes
        headHit[firstRecord + 12] ^= 1
        let headURL = directory.appendingPathComponent("head.bundle")
        try Data(headHit).write(to: headURL)
        let headReport = try BundleScan.scan(headURL)
        #expect(headReport.damage.first?.detail == "record head damaged")
        #expect(headReport.intactCounts[3] == 1 && headReport.intactCounts[900] == 1, "the scan found the next heads")
    }

    private func firstRecordOffset(_ bytes: [UInt8]) -> Int? {
        let magic = Array("BRKR".utf8)
        return (0..<bytes.count - 4).first { Array(bytes[$0..<$0 + 4]) == magic }
    }
}
