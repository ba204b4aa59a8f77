import BrickCore
import BrickMessage
import Foundation
import Testing

@Test("fingerprint identity is the bare Message-ID, from the item or the bytes")
func fingerprintFromMessageID() {
    let raw = Array("Message-ID: <id-1@example.com>\r\nSubject: x\r\n\r\nbody".utf8)
    let date = Date(timeIntervalSince1970: 1_700_000_000.75)
    let fromBytes = MessageFingerprint(raw: raw, messageID: nil, internalDate: date)
    #expect(fromBytes == MessageFingerprint(identity: "id-1@example.com", internalDate: 1_700_000_000))
    #expect(MessageFingerprint(raw: raw, messageID: "<id-1@example.com>", internalDate: date) == fromBytes)
    let item = RestoreItem(key: "1.1", flags: .none, internalDate: date, messageID: "id-1@example.com", raw: raw)
    #expect(MessageFingerprint(restoring: item) == fromBytes)
}

@Test("fingerprint identity falls back to the SHA-256 of the bytes with CRLF line ends")
func fingerprintFromDigest() {
    let raw = Array("Subject: no id\n\nbody\n".utf8)
    let fingerprint = MessageFingerprint(raw: raw, messageID: nil, internalDate: Date(timeIntervalSince1970: 5))
    #expect(fingerprint.identity == "sha256:" + SHA256Digest.hex(Array("Subject: no id\r\n\r\nbody\r\n".utf8)))
    #expect(fingerprint.internalDate == 5)
}

@Test("line ends: bare LF becomes CRLF, CRLF and a lone CR stay, a CRLF message is returned as is")
func lineEndsToCRLF() {
    #expect(LineEnds.crlf(Array("a\nb\r\nc\rd\n".utf8)) == Array("a\r\nb\r\nc\rd\r\n".utf8))
    #expect(LineEnds.crlf(Array("\n\n".utf8)) == Array("\r\n\r\n".utf8))
    #expect(LineEnds.crlf([]) == [])
    let canonical = Array("Subject: x\r\n\r\nbody\r\n".utf8)
    #expect(LineEnds.crlf(canonical) == canonical)
}

@Test("line ends: random mixes of CR, LF and text, at every length up to 64, match a byte-by-byte rewrite")
func lineEndsMatchTheByteByByteRewrite() {
    var generator = SystemRandomNumberGenerator()
    let alphabet: [UInt8] = [10, 13, 65, 0]
    for length in 0...64 {
        for _ in 0..<50 {
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % 4)] }
            var expected: [UInt8] = []
            var previous: UInt8 = 0
            for byte in bytes {
                if byte == 10 && previous != 13 { expected.append(13) }
                expected.append(byte)
                previous = byte
            }
            #expect(LineEnds.crlf(bytes) == expected, "input \(bytes)")
        }
    }
}
