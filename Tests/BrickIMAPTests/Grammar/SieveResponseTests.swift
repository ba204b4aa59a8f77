@testable import BrickIMAP
import Foundation
import Testing

/// ManageSieve responses (RFC 5804), recorded from Dovecot's Pigeonhole: every prefix
/// is incomplete, the whole is one response.
struct SieveFixture: CustomTestStringConvertible, Sendable {
    let input: [UInt8]
    let expected: SieveResponse?

    init(_ text: String, _ expected: SieveResponse?) {
        input = Array(text.utf8)
        self.expected = expected
    }

    var testDescription: String { String(decoding: input.prefix(50), as: UTF8.self) }
}

private func string(_ text: String) -> SieveResponse.Token { .string(Array(text.utf8)) }

private let refusal = "bad: line 1: error: expected end of command ';'.\r\nbad: error: parse failed.\r\n"

private let sieveFixtures: [SieveFixture] = [
    SieveFixture("\"IMPLEMENTATION\" \"Dovecot (Debian) Pigeonhole\"\r\n\"SASL\" \"PLAIN LOGIN\"\r\n\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot (Debian) ready.\"\r\n",
                 SieveResponse(lines: [
                     [string("IMPLEMENTATION"), string("Dovecot (Debian) Pigeonhole")], [string("SASL"), string("PLAIN LOGIN")],
                     [string("STARTTLS")], [string("VERSION"), string("1.0")],
                 ], status: .ok, code: [], text: "Dovecot (Debian) ready.")),
    SieveFixture("\"one\" ACTIVE\r\n\"two\"\r\nOK \"Listscripts completed.\"\r\n",
                 SieveResponse(lines: [[string("one"), .atom("ACTIVE")], [string("two")]], status: .ok, code: [], text: "Listscripts completed.")),
    SieveFixture("{7}\r\nkeep;\r\n\r\nOK \"Getscript completed.\"\r\n",
                 SieveResponse(lines: [[string("keep;\r\n")]], status: .ok, code: [], text: "Getscript completed.")),
    SieveFixture("NO {\(refusal.utf8.count)}\r\n\(refusal)\r\n", SieveResponse(lines: [], status: .no, code: [], text: refusal)),
    SieveFixture("NO (QUOTA/MAXSIZE) \"Script too large\"\r\n",
                 SieveResponse(lines: [], status: .no, code: [.atom("QUOTA/MAXSIZE")], text: "Script too large")),
    SieveFixture("OK (WARNINGS) \"line 2: \\\"x\\\" unused\"\r\n",
                 SieveResponse(lines: [], status: .ok, code: [.atom("WARNINGS")], text: "line 2: \"x\" unused")),
    SieveFixture("BYE (TRYLATER) \"Shutting down\"\r\n", SieveResponse(lines: [], status: .bye, code: [.atom("TRYLATER")], text: "Shutting down")),
    SieveFixture("ok\r\n", SieveResponse(lines: [], status: .ok, code: [], text: "")),
]

@Test("ManageSieve responses parse whole, and every prefix waits for more", arguments: sieveFixtures)
func sieveResponseTable(_ fixture: SieveFixture) throws {
    for end in 0..<fixture.input.count {
        #expect(try SieveResponseParser.parse(fixture.input[..<end]) == nil, "prefix of \(end) bytes")
    }
    let parsed = try SieveResponseParser.parse(fixture.input[...])
    #expect(parsed?.response == fixture.expected)
    #expect(parsed?.length == fixture.input.count)
}

@Test("bytes that cannot be a ManageSieve response are refused")
func sieveResponseFailures() {
    for text in ["\"open\r\nOK\r\n", "{x}\r\nOK\r\n", "{3}\rabc\r\nOK\r\n", "OK (WARNINGS \"x\"\r\n", "\"a\"\rX\r\nOK\r\n"] {
        #expect(throws: ParseError.self, "\(text.debugDescription)") { try SieveResponseParser.parse(Array(text.utf8)[...]) }
    }
}

@Test("a literal over the limit is refused when announced, and a response that never ends at the response limit")
func sieveResponseLimits() throws {
    let announced = Array("{\(SieveResponseParser.literalLimit + 1)}\r\n".utf8)
    #expect(throws: ParseError.self) { try SieveResponseParser.parse(announced[...]) }
    #expect(throws: Never.self) { try SieveResponseParser.parse(Array("{\(SieveResponseParser.literalLimit)}\r\n".utf8)[...]) }
    let endless = [UInt8](repeating: UInt8(ascii: "a"), count: 1025)
    #expect(throws: ParseError.self) { try SieveResponseParser.parse(endless[...], responseLimit: 1024) }
    #expect(try SieveResponseParser.parse(endless.dropLast(), responseLimit: 1024) == nil)
}

@Test("two responses in one read are cut apart")
func sieveResponsesBackToBack() throws {
    let bytes = Array("OK \"Logged in.\"\r\n\"one\" ACTIVE\r\nOK\r\n".utf8)
    let first = try #require(try SieveResponseParser.parse(bytes[...]))
    #expect(first.response.text == "Logged in.")
    let second = try #require(try SieveResponseParser.parse(bytes[first.length...]))
    #expect(second.response.lines == [[string("one"), .atom("ACTIVE")]])
    #expect(first.length + second.length == bytes.count)
}

@Test("script names and contents are sent quoted when they can be, else as literals")
func sieveArguments() {
    #expect(String(decoding: SieveArgument.encode("my \"rules\""), as: UTF8.self) == "\"my \\\"rules\\\"\"")
    #expect(String(decoding: SieveArgument.encode("a\r\nb"), as: UTF8.self) == "{4+}\r\na\r\nb")
}
