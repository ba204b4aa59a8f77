import Testing
@testable import BrickCalendar

@Suite("Content lines")
struct ContentLineReaderTests {
    @Test("CRLF and bare LF folds followed by a space or a tab are removed with that one character")
    func unfoldsBothLineEnds() {
        let bytes = Array("SUMMARY:Long \r\n  title\nDESCRIPTION:a\n\tb\r\nUID:1\r\n".utf8)
        let lines = ContentLineReader.lines(bytes)
        #expect(lines.map(\.name) == ["SUMMARY", "DESCRIPTION", "UID"])
        #expect(lines[0].text == "Long  title")
        #expect(lines[1].text == "ab")
    }

    @Test("A fold may split a UTF-8 sequence and the character comes back whole")
    func foldInsideUTF8Sequence() {
        let bytes: [UInt8] = Array("FN:J".utf8) + [0xC3] + Array("\r\n ".utf8) + [0xBC] + Array("rgen\r\n".utf8)
        #expect(ContentLineReader.lines(bytes).first?.text == "Jürgen")
    }

    @Test("Quoted parameter values keep their colons, semicolons and commas; lists split at unquoted commas")
    func quotedParameters() throws {
        let line = try #require(ContentLineReader.parse(Array(#"ATTENDEE;CN="Müller, Jürgen";DELEGATED-TO="mailto:a@x","mailto:b@x";ROLE=CHAIR:mailto:j@x"#.utf8)))
        #expect(line.name == "ATTENDEE")
        #expect(line.parameter("CN") == "Müller, Jürgen")
        #expect(line.parameters[1].values == ["mailto:a@x", "mailto:b@x"])
        #expect(line.parameter("ROLE") == "CHAIR")
        #expect(line.rawText == "mailto:j@x")
    }

    @Test("TEXT escapes \\n \\N \\, \\; \\\\ are undone")
    func textEscapes() throws {
        let line = try #require(ContentLineReader.parse(Array(#"DESCRIPTION:a\nb\Nc\, d\; e\\f"#.utf8)))
        #expect(line.text == "a\nb\nc, d; e\\f")
    }

    @Test("vCard groups are dropped from the property name and names are upper-cased")
    func groupsAndCase() throws {
        let line = try #require(ContentLineReader.parse(Array("item1.email;type=INTERNET:x@y".utf8)))
        #expect(line.name == "EMAIL")
        #expect(line.parameter("TYPE") == "INTERNET")
    }

    @Test("Bytes that are not UTF-8 are read as ISO 8859-1")
    func latin1Tolerated() {
        let bytes: [UInt8] = Array("FN:Jos".utf8) + [0xE9] + Array("\r\n".utf8)
        #expect(ContentLineReader.lines(bytes).first?.text == "José")
    }

    @Test("A skipped property keeps its name but not its value, and the next line is read")
    func skippedValues() {
        let bytes = Array("PHOTO;ENCODING=b:AAAA\r\n BBBB\r\nFN:x\r\n".utf8)
        let lines = ContentLineReader.lines(bytes, skippingValues: ["PHOTO"])
        #expect(lines.map(\.name) == ["PHOTO", "FN"])
        #expect(lines[0].value.isEmpty)
        #expect(lines[1].text == "x")
    }

    @Test("Lines without a colon and empty lines are left out")
    func malformedLines() {
        let lines = ContentLineReader.lines(Array("garbage\r\n\r\n:novalue\r\nUID:1\r\n".utf8))
        #expect(lines.map(\.name) == ["UID"])
    }
}
