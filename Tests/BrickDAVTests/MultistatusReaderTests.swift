@testable import BrickDAV
import Testing

/// The streamed multistatus reader fed in pieces as the network hands them over:
/// split at every byte boundary (inside a tag, a name, an entity, a CDATA section, a
/// multi-byte character) it reads what the whole body gives; cut short anywhere, it
/// refuses; sent again, it starts afresh.
@Suite struct MultistatusReaderTests {
    /// A sync-collection answer with what a split can fall into: prefixes, an
    /// entity, a character reference, CDATA, non-ASCII text, a removed member, a
    /// propstat that failed, the truncation marker and the token.
    static let document = Array("""
        <?xml version="1.0" encoding="utf-8"?>
        <d:multistatus xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:response>\
        <d:href>/c/a%20b.ics</d:href><d:propstat><d:prop><d:getetag>"e&amp;1"</d:getetag>\
        <d:displayname>Zürich – Ωmega &#x263A;</d:displayname><cs:note><![CDATA[<raw & text>]]></cs:note></d:prop>\
        <d:status>HTTP/1.1 200 OK</d:status></d:propstat><d:propstat><d:prop><cs:getctag/></d:prop>\
        <d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>\
        <d:response><d:href>/c/gone.ics</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>\
        <d:response><d:href>/c/</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status></d:response>\
        <d:sync-token>http://x/sync/7</d:sync-token></d:multistatus>
        """.utf8)

    private func read(_ pieces: [ArraySlice<UInt8>]) throws(DAVError) -> Multistatus {
        let reader = MultistatusReader(href: "/c/")
        for piece in pieces { reader.consume(Array(piece)) }
        return try reader.finish()
    }

    @Test func theWholeBodyReadsAsExpected() throws {
        let page = try read([Self.document[...]])
        #expect(page.syncToken == "http://x/sync/7")
        #expect(page.responses.map(\.href) == ["/c/a%20b.ics", "/c/gone.ics", "/c/"])
        #expect(page.responses.map(\.status) == [nil, 404, 507])
        let first = page.responses[0]
        #expect(first.text(XMLNamespace.dav, "getetag") == "\"e&1\"")
        #expect(first.text(XMLNamespace.dav, "displayname") == "Zürich – Ωmega ☺")
        #expect(first.property(XMLNamespace.calendarServer, "note")?.text == "<raw & text>")
        #expect(first.property(XMLNamespace.calendarServer, "getctag") == nil)
    }

    @Test func aBodySplitInTwoAtEveryByteReadsTheSame() throws {
        let whole = try read([Self.document[...]])
        for cut in 1..<Self.document.count {
            let page = try read([Self.document[..<cut], Self.document[cut...]])
            #expect(page == whole, "split at byte \(cut)")
        }
    }

    @Test func aBodyArrivingOneByteAtATimeReadsTheSame() throws {
        let whole = try read([Self.document[...]])
        let page = try read(Self.document.indices.map { Self.document[$0...$0] })
        #expect(page == whole)
    }

    @Test func aBodyCutShortAtEveryByteIsRefused() {
        let end = Self.document.count
        for cut in 0..<end {
            #expect(throws: DAVError.self, "cut at byte \(cut)") {
                try read([Self.document[..<cut]])
            }
        }
    }

    @Test func anAnswerSentAgainIsReadAfresh() throws {
        let reader = MultistatusReader(href: "/c/")
        reader.consume(Array(Self.document[..<300]))
        reader.restart()
        reader.consume(Self.document)
        #expect(try reader.finish() == (try read([Self.document[...]])))
    }

    @Test func aForeignRootOrAResponseWithoutHrefIsRefusedWithItsReason() {
        for (body, reason) in [
            ("<html><body>login</body></html>", "root element is html, not DAV:multistatus"),
            ("<d:multistatus xmlns:d=\"DAV:\"><d:response><d:status>HTTP/1.1 200 OK</d:status></d:response></d:multistatus>",
             "a response without href"),
        ] {
            let reader = MultistatusReader(href: "/c/")
            reader.consume(Array(body.utf8))
            #expect(throws: DAVError.malformedResponse(href: "/c/", reason: reason)) { try reader.finish() }
        }
    }
}
