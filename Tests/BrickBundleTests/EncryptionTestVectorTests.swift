import BrickBundle
import Foundation
import Testing

/// The encrypted bundle checked into Fixtures/bundle-encryption (docs/FORMAT.md §9.5):
/// Brick reads it, and so does an independent decryptor written from the format
/// document with Python's `cryptography` package (tools/decrypt-bundle).
@Suite struct EncryptionTestVectorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let vector = root.appendingPathComponent("Fixtures/bundle-encryption")

    @Test func brickDecryptsTheVectorToThePlainBundle() throws {
        let identity = try BundleIdentity(text: String(contentsOf: vector.appendingPathComponent("identity.txt"), encoding: .utf8))
        let input = try BundleFileInput(url: vector.appendingPathComponent("encrypted.bundle"))
        let reader = try #require(try BundleReader.open(from: input, identities: [identity]))
        let plainReader = try #require(try BundleReader.next(from: BundleFileInput(url: vector.appendingPathComponent("plain.bundle"))))
        #expect(reader.header == plainReader.header)
        while let record = try reader.nextRecord() {
            let plainRecord = try #require(try plainReader.nextRecord())
            #expect(record.type == plainRecord.type && record.length == plainRecord.length)
            var bytes: [UInt8] = []
            var plainBytes: [UInt8] = []
            try reader.readPayload(chunkSize: 4096) { bytes += $0 }
            try plainReader.readPayload(chunkSize: 4096) { plainBytes += $0 }
            #expect(bytes == plainBytes)
        }
        #expect(try plainReader.nextRecord() == nil)
        #expect(reader.chainDigest == plainReader.chainDigest)
        #expect(reader.envelope?.recipients.contains(identity.recipient.keyIDText) == true)
    }

    @Test func theIndependentDecryptorReadsTheVector() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", EncryptionTestVectorTests.root.appendingPathComponent("tools/decrypt-bundle").path,
            vector.appendingPathComponent("identity.txt").path, vector.appendingPathComponent("encrypted.bundle").path,
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let decrypted = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "tools/decrypt-bundle (needs python3-cryptography): \(message)")
        #expect(decrypted == (try Data(contentsOf: vector.appendingPathComponent("plain.bundle"))))
    }
}
