import BrickBundle
import Foundation
import Testing

@Suite struct EncryptedBundleTests {
    let operatorKey = BundleIdentity.generate()
    let escrowKey = BundleIdentity.generate()

    /// The sample bundle, encrypted for the operator and the escrow key.
    func encrypted(valueSize: Int = 200_000) throws -> (plain: [UInt8], sealed: [UInt8]) {
        let plain = try BundleSamples.bundle(valueSize: valueSize).bytes
        let output = BundleMemoryOutput()
        let envelope = try EncryptedBundleOutput(
            recipients: [operatorKey.recipient, escrowKey.recipient], header: BundleSamples.header(), output: output)
        try plain.withUnsafeBytes { try envelope.write($0) }
        let reader = try #require(try BundleReader.next(from: BundleMemoryInput(plain)))
        while try reader.nextRecord() != nil {}
        try envelope.finish(chainDigest: try #require(reader.chainDigest))
        return (plain, output.bytes)
    }

    func decrypt(_ sealed: [UInt8], with identities: [BundleIdentity]) throws -> [UInt8] {
        let reader = try #require(try BundleReader.open(from: BundleMemoryInput(sealed), identities: identities))
        let encrypted = try #require(reader.envelope)
        #expect(encrypted.recipients.count == 2)
        var value: [UInt8] = []
        while let record = try reader.nextRecord() {
            if record.type == BundleSamples.value { try reader.readPayload(chunkSize: 9000) { value += $0 } }
        }
        return value
    }

    @Test func eachRecipientReadsTheBundleAndNobodyElse() throws {
        let (_, sealed) = try encrypted()
        #expect(try decrypt(sealed, with: [operatorKey]) == BundleSamples.pattern(200_000))
        #expect(try decrypt(sealed, with: [BundleIdentity.generate(), escrowKey]) == BundleSamples.pattern(200_000))
        #expect(throws: BundleError.self) { try decrypt(sealed, with: [BundleIdentity.generate()]) }
        #expect(throws: BundleError.self) { try BundleReader.next(from: BundleMemoryInput(sealed)) }
    }

    @Test func theEnvelopeHoldsKeyIdsNeverKeysAndNoPlaintext() throws {
        let (plain, sealed) = try encrypted()
        let text = String(decoding: sealed, as: UTF8.self)
        #expect(!sealed.containsSubsequence(operatorKey.recipient.rawKey))
        #expect(!text.contains(operatorKey.recipient.text) && !text.contains(operatorKey.text))
        #expect(sealed.containsSubsequence(operatorKey.recipient.keyID))
        #expect(!sealed.containsSubsequence(Array(BundleSamples.pattern(200_000)[1000..<1064])), "no value bytes in clear")
        #expect(!sealed.containsSubsequence(Array(plain[plain.count - 200..<plain.count - 100])))
    }

    @Test func everyModifiedByteIsRefused() throws {
        let (_, sealed) = try encrypted(valueSize: 3000)
        for position in 0..<sealed.count {
            var damaged = sealed
            damaged[position] ^= 0x01
            #expect(throws: (any Error).self, "byte \(position) of \(sealed.count)") { try decrypt(damaged, with: [operatorKey]) }
        }
    }

    @Test func truncatedSwappedOrDroppedChunksAreRefused() throws {
        let (_, sealed) = try encrypted(valueSize: 300_000)
        for length in stride(from: 1, to: sealed.count, by: 4099) {
            #expect(throws: (any Error).self) { try decrypt(Array(sealed.prefix(length)), with: [operatorKey]) }
        }
        let frames = try chunkFrames(sealed)
        try #require(frames.count >= 4)
        var swapped = Array(sealed[..<frames[0].lowerBound])
        swapped += sealed[frames[1]] + sealed[frames[0]]
        swapped += sealed[frames[1].upperBound...]
        #expect(throws: BundleError.damagedChunk(index: 0, offset: UInt64(frames[0].lowerBound))) {
            try decrypt(swapped, with: [operatorKey])
        }
        var dropped = Array(sealed[..<frames[1].lowerBound])
        dropped += sealed[frames[1].upperBound...]
        #expect(throws: (any Error).self) { try decrypt(dropped, with: [operatorKey]) }
    }

    @Test func withoutAKeyTheOuterIntegrityIsStillChecked() throws {
        let (_, sealed) = try encrypted()
        let input = BundleMemoryInput(sealed)
        let envelope = try EncryptedBundleInput(input, identities: [])
        #expect(envelope.info.header == BundleSamples.header(), "the chain can be checked without the key")
        #expect(try envelope.verifyOuter() == 4)
        #expect(envelope.clearChainDigest?.count == 32)
        var damaged = sealed
        damaged[sealed.count / 2] ^= 1
        #expect(throws: BundleError.self) { try EncryptedBundleInput(BundleMemoryInput(damaged), identities: []).verifyOuter() }
    }

    @Test func keysHaveACheckedTextForm() throws {
        let recipient = try BundleRecipient(text: operatorKey.recipient.text)
        #expect(recipient == operatorKey.recipient)
        #expect(operatorKey.recipient.text.hasPrefix("brick-public-"))
        let identity = try BundleIdentity(text: "# Brick bundle identity\n\(operatorKey.text)\n")
        #expect(identity.recipient == operatorKey.recipient)
        var mistyped = Array(operatorKey.recipient.text)
        mistyped[20] = mistyped[20] == "A" ? "B" : "A"
        #expect(throws: BundleError.self) { try BundleRecipient(text: String(mistyped)) }
        #expect(throws: BundleError.self) { try BundleRecipient(text: operatorKey.text) }
    }

    /// The byte ranges of the envelope's chunk frames (length field and sealed bytes).
    func chunkFrames(_ sealed: [UInt8]) throws -> [Range<Int>] {
        let recipients = Int(sealed[10]) | Int(sealed[11]) << 8
        var position = 12 + 16 + recipients * 88
        let metadata = Int(sealed[position]) | Int(sealed[position + 1]) << 8 | Int(sealed[position + 2]) << 16
        position += 4 + metadata + 32
        var frames: [Range<Int>] = []
        while true {
            let length = sealed[position..<position + 4].reversed().reduce(0) { $0 << 8 | Int($1) }
            if length == 0xFFFF_FFFF { return frames }
            frames.append(position..<position + 4 + length)
            position += 4 + length
        }
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
