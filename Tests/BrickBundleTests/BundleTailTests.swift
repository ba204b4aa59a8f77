import BrickBundle
import Foundation
import Testing

/// `BundleTail`: the end of a bundle file gives its chain digest and counts without
/// reading the records, for plain and encrypted bundles; a damaged end is refused.
@Suite struct BundleTailTests {
    private func file(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tail-\(UUID().uuidString).bundle")
        try Data(bytes).write(to: url)
        return url
    }

    @Test func theEndOfAPlainBundleGivesItsDigestAndCountsAsAFullReadDoes() throws {
        let (bytes, trailer) = try BundleSamples.bundle(valueSize: 300_000)
        let url = try file(bytes)
        defer { try? FileManager.default.removeItem(at: url) }
        let tail = try BundleTail.read(url, header: BundleSamples.header(), encrypted: false)
        #expect(tail.chainDigest == trailer.digest)
        #expect(tail.counts == trailer.counts)
        #expect(tail.counts?[BundleSamples.value.rawValue] == 1)
    }

    @Test func theEndOfAnEncryptedBundleGivesTheClearChainDigest() throws {
        let identity = BundleIdentity.generate()
        let (plain, trailer) = try BundleSamples.bundle(valueSize: 150_000)
        let output = BundleMemoryOutput()
        let envelope = try EncryptedBundleOutput(recipients: [identity.recipient], header: BundleSamples.header(), output: output)
        try plain.withUnsafeBytes { try envelope.write($0) }
        try envelope.finish(chainDigest: trailer.digest)
        let url = try file(output.bytes)
        defer { try? FileManager.default.removeItem(at: url) }
        let tail = try BundleTail.read(url, header: BundleSamples.header(), encrypted: true)
        #expect(tail.chainDigest == trailer.digest)
        #expect(tail.counts == nil)
    }

    @Test func aDamagedOrCutEndIsRefused() throws {
        let (bytes, _) = try BundleSamples.bundle()
        var flipped = bytes
        flipped[bytes.count - 60] ^= 0x01
        for damaged in [Array(bytes.dropLast(3)), flipped, Array(bytes.prefix(50))] {
            let url = try file(damaged)
            defer { try? FileManager.default.removeItem(at: url) }
            #expect(throws: BundleError.self) { try BundleTail.read(url, header: BundleSamples.header(), encrypted: false) }
        }
    }
}
