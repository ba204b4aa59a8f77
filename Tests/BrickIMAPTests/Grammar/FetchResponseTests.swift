@testable import BrickIMAP
import Foundation
import Testing

private func fetch(_ sequence: UInt32, _ attributes: [FetchAttribute]) -> ParseFixture.Expected {
    .success(.untagged(.fetch(sequence: sequence, attributes: attributes)))
}

private let body141 = "From: A <a@example.org>\r\nSubject: Hi\r\n\r\nBody.\r\n"

private let fetchFixtures: [ParseFixture] = [
    ParseFixture("* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent) MODSEQ (7))\r\n",
                 fetch(1, [.uid(1), .flags(["\\Seen", "\\Recent"]), .modSeq(7)])),
    ParseFixture("* 12 FETCH (FLAGS () UID 4294967295)\r\n", fetch(12, [.flags([]), .uid(4294967295)])),
    ParseFixture("* 1 FETCH (INTERNALDATE \"05-Mar-2024 09:11:12 +0000\" RFC822.SIZE 141)\r\n",
                 fetch(1, [.internalDate(Date(timeIntervalSince1970: 1709629872)), .rfc822Size(141)])),
    ParseFixture("* 1 FETCH (INTERNALDATE \" 5-Mar-2024 10:11:12 +0100\")\r\n",
                 fetch(1, [.internalDate(Date(timeIntervalSince1970: 1709629872))])),
    ParseFixture("* 1 FETCH (UID 9 BODY[] {\(body141.utf8.count)}\r\n\(body141))\r\n",
                 fetch(1, [.uid(9), .body(section: "", origin: nil, data: Array(body141.utf8))])),
    ParseFixture("* 1 FETCH (BODY[] {0}\r\n)\r\n", fetch(1, [.body(section: "", origin: nil, data: [])])),
    ParseFixture("* 1 FETCH (BODY[] NIL)\r\n", fetch(1, [.body(section: "", origin: nil, data: nil)])),
    ParseFixture("* 1 FETCH (BODY[] \"a \\\"q\\\"\")\r\n", fetch(1, [.body(section: "", origin: nil, data: Array("a \"q\"".utf8))])),
    ParseFixture("* 1 FETCH (BODY[]<0> {3}\r\nabc)\r\n", fetch(1, [.body(section: "", origin: 0, data: Array("abc".utf8))])),
    ParseFixture("* 1 FETCH (UID 1 BODY[HEADER.FIELDS (MESSAGE-ID)] {32}\r\nMessage-ID: <m1@example.org>\r\n\r\n)\r\n",
                 fetch(1, [.uid(1), .body(section: "HEADER.FIELDS (MESSAGE-ID)", origin: nil, data: Array("Message-ID: <m1@example.org>\r\n\r\n".utf8))])),
    ParseFixture("* 1 FETCH (BINARY[] ~{4}\r\na\u{0}b\n)\r\n", fetch(1, [.binary(section: "", data: [97, 0, 98, 10])])),
    ParseFixture("* 1 FETCH (BINARY.SIZE[1] 1024)\r\n", fetch(1, [.binarySize(section: "1", size: 1024)])),
    ParseFixture("* 1 FETCH (RFC822 {2}\r\nab)\r\n", fetch(1, [.body(section: "", origin: nil, data: Array("ab".utf8))])),
    ParseFixture("* 1 FETCH (EMAILID (M6d99ac3275bb4e) THREADID NIL)\r\n", fetch(1, [.emailID("M6d99ac3275bb4e"), .threadID(nil)])),
    ParseFixture("* 2 FETCH (UID 2 ENVELOPE (NIL {11}\r\n8bit \u{e4}\u{f6}\u{fc} ((\"J\" NIL \"j\" \"example.org\")) NIL NIL NIL NIL NIL NIL NIL) FLAGS ())\r\n",
                 fetch(2, [.uid(2), .other("ENVELOPE"), .flags([])])),
    ParseFixture("* 2 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"8BIT\" 93 3 NIL NIL NIL NIL) UID 5)\r\n",
                 fetch(2, [.other("BODYSTRUCTURE"), .uid(5)])),
    ParseFixture("* 3 FETCH (UID 3 MODSEQ (8))\r\n", fetch(3, [.uid(3), .modSeq(8)])),
    ParseFixture("* 1 FETCH (UID 1 BODY[] {10}\r\nabc", .incomplete),
    ParseFixture("* 1 FETCH (UID 1 BODY[] {3}\r\nabc", .incomplete),
    ParseFixture("* 1 FETCH (UID 1 BODY[] {3}\r\nabc)", .incomplete),
    ParseFixture("* 1 FETCH (UID 1 BODY[] {3+}\r\nabc)\r\n", fetch(1, [.uid(1), .body(section: "", origin: nil, data: Array("abc".utf8))])),
    ParseFixture("* 1 FETCH (UID 1 BODY[] {3}\r\nabcd)\r\n", .failure),
    ParseFixture("* 1 FETCH (UID 1 BODY[] {3}\r\nab)\r\n", .failure),
    ParseFixture("* 1 FETCH (UID x)\r\n", .failure),
    ParseFixture("* 1 FETCH (MODSEQ 7)\r\n", .failure),
    ParseFixture("* 1 FETCH (INTERNALDATE \"yesterday\")\r\n", .failure),
    ParseFixture("* 1 FETCH UID 1\r\n", .failure),
]

@Test("FETCH responses parse as expected, whole and byte by byte", arguments: fetchFixtures)
func fetchTable(_ fixture: ParseFixture) {
    check(fixture)
}

@Test("a message body with every byte value but NUL survives a literal unchanged")
func eightBitLiteral() throws {
    let body: [UInt8] = (1...255).map { UInt8($0) } + Array("\r\n.\r\n".utf8)
    let bytes = Array("* 1 FETCH (BODY[] {\(body.count)}\r\n".utf8) + body + Array(")\r\n".utf8)
    let responses = try parseAll(bytes)
    #expect(responses == [.untagged(.fetch(sequence: 1, attributes: [.body(section: "", origin: nil, data: body)]))])
}

@Test("a 20 MB literal arriving in 64 KB reads becomes one body")
func hugeLiteralInPieces() throws {
    let size = 20 << 20
    var body = [UInt8](repeating: UInt8(ascii: "x"), count: size)
    body[size - 1] = UInt8(ascii: "\n")
    let head = Array("* 7 FETCH (UID 70 BODY[] {\(size)}\r\n".utf8)
    let tail = Array(")\r\na1 OK done\r\n".utf8)
    let stream = head + body + tail
    var framer = ResponseFramer()
    var frames: [Response] = []
    var offset = 0
    while offset < stream.count {
        let end = min(stream.count, offset + 65_536)
        framer.append(Array(stream[offset..<end]))
        offset = end
        while let frame = try framer.nextFrame() { frames.append(try ResponseParser.parse(frame)) }
    }
    #expect(frames.count == 2)
    guard case .untagged(.fetch(7, let attributes)) = frames.first else {
        Issue.record("no fetch")
        return
    }
    #expect(attributes.uid == 70)
    #expect(attributes.body(section: "") == body)
}
