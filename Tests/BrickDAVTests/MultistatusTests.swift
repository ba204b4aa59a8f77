@testable import BrickDAV
import Foundation
import Testing

/// The multistatus reader at byte level: namespaces by URI whatever the prefix,
/// propstats other than 2xx ignored, sync tokens, and what is refused (without a word
/// of libxml2's on standard error).
@Suite struct MultistatusTests {
    private func parse(_ text: String) throws -> Multistatus {
        try Multistatus(parsing: Array(text.utf8), href: "/c/")
    }

    @Test func namespacesAreResolvedWhateverThePrefix() throws {
        let body = """
            <?xml version="1.0"?><X:multistatus xmlns:X="DAV:" xmlns:Y="urn:ietf:params:xml:ns:caldav" \
            xmlns:Z="http://apple.com/ns/ical/"><X:response><X:href>/alice/work/</X:href><X:propstat><X:prop>\
            <X:resourcetype><X:collection/><Y:calendar/></X:resourcetype><X:displayname>Work &amp; more</X:displayname>\
            <Z:calendar-color>#FF0000</Z:calendar-color></X:prop><X:status>HTTP/1.1 200 OK</X:status></X:propstat>\
            </X:response></X:multistatus>
            """
        let response = try #require(try parse(body).responses.first)
        #expect(response.href == "/alice/work/")
        #expect(response.text(XMLNamespace.dav, "displayname") == "Work & more")
        #expect(response.text(XMLNamespace.appleICal, "calendar-color") == "#FF0000")
        let collection = try #require(DAVCollection(response))
        #expect(collection.kind == .calendar && collection.displayName == "Work & more" && collection.color == "#FF0000")
    }

    @Test func propertiesOfAFailedPropstatAreIgnored() throws {
        let body = """
            <d:multistatus xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:response><d:href>/c/</d:href>\
            <d:propstat><d:prop><d:displayname>C</d:displayname></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>\
            <d:propstat><d:prop><cs:getctag/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>\
            </d:response></d:multistatus>
            """
        let response = try #require(try parse(body).responses.first)
        #expect(response.property(XMLNamespace.calendarServer, "getctag") == nil)
        #expect(response.text(XMLNamespace.dav, "displayname") == "C")
    }

    @Test func syncCollectionAnswerGivesTokenRemovedMembersAndTruncation() throws {
        let body = """
            <multistatus xmlns="DAV:"><response><href>/c/a.ics</href><propstat><prop><getetag>"1"</getetag></prop>\
            <status>HTTP/1.1 200 OK</status></propstat></response><response><href>/c/b%20c.ics</href>\
            <status>HTTP/1.1 404 Not Found</status></response><response><href>/c/</href>\
            <status>HTTP/1.1 507 Insufficient Storage</status></response><sync-token>http://x/sync/2</sync-token></multistatus>
            """
        let page = try parse(body)
        #expect(page.syncToken == "http://x/sync/2")
        #expect(page.responses.map(\.status) == [nil, 404, 507])
        #expect(page.responses[0].text(XMLNamespace.dav, "getetag") == "\"1\"")
        #expect(DAVPath.lastSegment(of: page.responses[1].href) == "b c.ics")
    }

    @Test func calendarDataInCDATAKeepsItsText() throws {
        let body = "<d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>/c/a.ics</d:href><d:propstat><d:prop>"
            + "<c:calendar-data xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><![CDATA[BEGIN:VCALENDAR <&>]]></c:calendar-data>"
            + "</d:prop></d:propstat></d:response></d:multistatus>"
        let response = try #require(try parse(body).responses.first)
        #expect(response.property(XMLNamespace.caldav, "calendar-data")?.text == "BEGIN:VCALENDAR <&>")
    }

    @Test(arguments: [
        "Internal Server Error: the database is gone",
        "<d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>/c/a.ics</d:href><d:propstat><d:prop><d:getetag>\"1\"",
        "",
        "<html><body>login</body></html>",
        "<d:multistatus xmlns:d=\"DAV:\"><d:response><d:propstat/></d:response></d:multistatus>",
    ])
    func anythingButAWholeMultistatusIsRefused(body: String) {
        #expect(throws: DAVError.self) { try parse(body) }
    }

    @Test func aDocumentCutAtAnyByteIsRefused() {
        let whole = Array("""
            <d:multistatus xmlns:d="DAV:"><d:response><d:href>/c/a.ics</d:href></d:response><d:sync-token>t</d:sync-token></d:multistatus>
            """.utf8)
        #expect((try? Multistatus(parsing: whole, href: "/c/")) != nil)
        for length in 0..<whole.count {
            #expect(throws: DAVError.self, "cut at \(length)") { try Multistatus(parsing: Array(whole[..<length]), href: "/c/") }
        }
    }

    /// libxml2 reports a failed character conversion on its thread's error channels,
    /// which write to standard error: a server's bytes would put "encoding error :
    /// input conversion failed …" and "xmlParseChunk: encoder error" lines into the
    /// backup's output.
    @Test func anAnswerInTheWrongEncodingIsRefusedWithoutALineOnStandardError() throws {
        let bodies = [
            Array(#"<?xml version="1.0" encoding="Shift_JIS"?><d:multistatus xmlns:d="DAV:">"#.utf8) + [0x81, 0xFF, 0xFE]
                + Array("</d:multistatus>".utf8),
            Array("<?xml version=\"1.0\" encoding=\"utf-7\"?>\n<m((\u{1}\n".utf8),
        ]
        let written = try StandardErrorCapture.run {
            for body in bodies {
                #expect(throws: DAVError.self) { try Multistatus(parsing: body, href: "/c/") }
            }
        }
        #expect(!written.contains("encoding error") && !written.contains("encoder error"), "libxml2 wrote: \(written)")
    }
}

/// What the process writes to standard error while a closure runs (other tests may
/// write there meanwhile: look for what the closure would write, not for silence).
enum StandardErrorCapture {
    static func run(_ body: () throws -> Void) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forWritingTo: file)
        fflush(nil)
        let saved = dup(2)
        dup2(handle.fileDescriptor, 2)
        defer {
            fflush(nil)
            dup2(saved, 2)
            close(saved)
            try? handle.close()
        }
        try body()
        fflush(nil)
        return String(decoding: try Data(contentsOf: file), as: UTF8.self)
    }
}
