@testable import BrickDAV
import Testing

/// Carriage returns in character data survive the XML parser once guarded, in plain
/// text and in CDATA, while CR in markup and comments is left alone.
@Suite struct CarriageReturnGuardTests {
    private func calendarData(_ document: String) throws -> String? {
        let page = try Multistatus(parsing: CarriageReturnGuard.protect(Array(document.utf8)), href: "/c/")
        return page.responses.first?.property(XMLNamespace.caldav, "calendar-data")?.text
    }

    private func document(_ data: String, prolog: String = "") -> String {
        "<?xml version=\"1.0\"?>\r\n\(prolog)<d:multistatus xmlns:d=\"DAV:\"\r\n xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><!-- a\r\ncomment -->"
            + "<d:response><d:href>/c/a.ics</d:href><d:propstat><d:prop attr='x\r\ny'><c:calendar-data>\(data)</c:calendar-data>"
            + "</d:prop></d:propstat></d:response></d:multistatus>\r\n"
    }

    @Test func rawCarriageReturnsInTextAreKept() throws {
        #expect(try calendarData(document("BEGIN:VCALENDAR\r\nSUMMARY:a &amp; b\r\n\r\rEND:VCALENDAR\r\n"))
            == "BEGIN:VCALENDAR\r\nSUMMARY:a & b\r\n\r\rEND:VCALENDAR\r\n")
    }

    @Test func carriageReturnsInsideCDATAAreKept() throws {
        #expect(try calendarData(document("<![CDATA[BEGIN:VCALENDAR\r\nSUMMARY:a & <b>\r\nEND:VCALENDAR\r\n]]>"))
            == "BEGIN:VCALENDAR\r\nSUMMARY:a & <b>\r\nEND:VCALENDAR\r\n")
    }

    @Test func withoutTheGuardTheParserWouldTurnCRLFIntoLF() throws {
        let page = try Multistatus(parsing: Array(document("A\r\nB").utf8), href: "/c/")
        #expect(page.responses.first?.property(XMLNamespace.caldav, "calendar-data")?.text == "A\nB")
    }

    /// Found by the `dav-multistatus` fuzz target: the guard ended a processing
    /// instruction at its first `>`, counted the tags written inside it as elements, and
    /// so wrote the CR LF after it, outside the root element, as a reference: a
    /// well-formed answer became one the parser refuses.
    @Test func aProcessingInstructionHoldingTagsLeavesTheDepthAlone() throws {
        let prolog = "<?note <d:response><c:calendar-data> ?>\r\n"
        #expect(try calendarData(document("A\r\nB", prolog: prolog)) == "A\r\nB")
    }

    /// Found by the `dav-multistatus` fuzz target: the guard took the `-->` inside
    /// `<!-->` for the comment's end, read the rest of the comment as markup, and lost
    /// count of the element depth.
    @Test func aCommentStartingWithAGreaterThanSignRunsToItsRealEnd() throws {
        let prolog = "<!--> <d:response>\r\n -->\r\n"
        #expect(try calendarData(document("A\r\nB", prolog: prolog)) == "A\r\nB")
    }

    @Test func aDocumentInUTF16IsLeftAsItIs() throws {
        let text = document("A\r\nB")
        let bytes: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(CarriageReturnGuard.protect(bytes) == bytes)
        let page = try Multistatus(parsing: CarriageReturnGuard.protect(bytes), href: "/c/")
        #expect(page.responses.first?.property(XMLNamespace.caldav, "calendar-data")?.text == "A\nB")
    }

    @Test func aDocumentWithoutCarriageReturnsIsUnchanged() {
        let bytes = Array("<a>b\nc</a>".utf8)
        #expect(CarriageReturnGuard.protect(bytes) == bytes)
    }
}
