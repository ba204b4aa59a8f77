import BrickCore
import BrickMessage
import Foundation
import Testing

/// Bytes read in pieces of a fixed size, as a large message is.
private final class PiecesStream: MessageByteStream, @unchecked Sendable {
    let bytes: [UInt8]
    let piece: Int
    private var offset = 0
    var size: UInt64 { UInt64(bytes.count) }

    init(_ bytes: [UInt8], piece: Int) {
        self.bytes = bytes
        self.piece = piece
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, piece, bytes.count - offset)
        for index in 0..<count { buffer[index] = bytes[offset + index] }
        offset += count
        return count
    }

    func rewind() throws { offset = 0 }
}

@Test("digests of a message read in pieces equal those of the whole bytes, whatever the piece boundaries",
      arguments: [1, 2, 3, 7, 4096])
func streamedDigestsEqualWholeDigests(piece: Int) throws {
    let messages = [
        "Subject: a\n\nbody\n", "Subject: b\r\n\r\nbody\r\n\r\n\n", "x\r", "\n\n\r\n", "", "a\rb\nc\r\nd",
        "Subject: c\n\nline\n\n\n", "no end of line",
    ].map { Array($0.utf8) }
    for raw in messages {
        let digests = try MessageFingerprint.digests(of: PiecesStream(raw, piece: piece))
        #expect(digests.identity == MessageFingerprint.digestIdentity(raw), "\(raw)")
        #expect(digests.content == MessageFingerprint.contentDigest(raw), "\(raw)")
    }
}

@Test("a large message's fingerprint takes the Message-ID from its first bytes, else the digest")
func streamedFingerprint() throws {
    let date = Date(timeIntervalSince1970: 1_700_000_000)
    let withID = Array("Message-ID: <big@example.org>\r\n\r\nbody\r\n".utf8)
    let (fingerprint, content) = try MessageFingerprint.restoring(stream: PiecesStream(withID, piece: 5), messageID: nil, internalDate: date)
    #expect(fingerprint == MessageFingerprint(raw: withID, messageID: nil, internalDate: date))
    #expect(content == MessageFingerprint.contentDigest(withID))
    let without = Array("Subject: none\n\nbody\n".utf8)
    let second = try MessageFingerprint.restoring(stream: PiecesStream(without, piece: 3), messageID: nil, internalDate: date)
    #expect(second.fingerprint == MessageFingerprint(raw: without, messageID: nil, internalDate: date))
}
