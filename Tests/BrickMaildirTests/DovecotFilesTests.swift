import BrickCore
import Testing
@testable import BrickMaildir
import BrickMessage

@Suite struct DovecotFilesTests {
    @Test func keywordsFileParsesIndexesToLetters() {
        let keywords = DovecotKeywords(parsing: "0 $Label1\r\n2 Multi word\nbad line\n30 Beyond\n")
        #expect(keywords.keyword(for: "a") == "$Label1")
        #expect(keywords.keyword(for: "b") == nil)
        #expect(keywords.keyword(for: "c") == "Multi word")
        #expect(keywords.letter(for: "Multi word") == "c")
        #expect(keywords.keyword(for: "z") == nil)
    }

    @Test func keywordAssignmentFillsGapsThenAppendsUpTo26() {
        var keywords = DovecotKeywords(parsing: "0 A\n2 C\n")
        var assigned = keywords.assign("B")
        #expect(assigned)
        #expect(keywords.letter(for: "B") == "b")
        assigned = keywords.assign("D")
        #expect(assigned)
        #expect(keywords.text == "0 A\n1 B\n2 C\n3 D\n")
        for index in 4..<26 {
            assigned = keywords.assign("K\(index)")
            #expect(assigned)
        }
        assigned = keywords.assign("TooMany")
        #expect(!assigned)
        #expect(keywords.letter(for: "K25") == "z")
    }

    @Test func uidListVersion3GivesUIDValidityAndUIDsByKey() {
        let list = DovecotUIDList(parsing: """
            3 V1700000000 N5 G7d5b3c2a1f0e9d8c7b6a5f4e3d2c1b0a
            1 :1700000000.M1P1.host,S=262
            2 W1270 S1200 :1700000100.M2P1.host
            4 :1700000300.M4P1.host:2,S
            garbage
            """)
        #expect(list.uidValidity == 1_700_000_000)
        #expect(list.nextUID == 5)
        #expect(list.uids == ["1700000000.M1P1.host,S=262": 1, "1700000100.M2P1.host": 2, "1700000300.M4P1.host": 4])
    }

    @Test func uidListVersion1IsReadToo() {
        let list = DovecotUIDList(parsing: "1 1234 3\n1 a.host\n2 b.host:2,S\n")
        #expect(list.uidValidity == 1234)
        #expect(list.uids == ["a.host": 1, "b.host": 2])
    }

    /// The target fingerprints files with the catalog's own Message-ID reading.
    @Test func messageIDOfAFileHeaderIsUnfoldedAndNormalizedLikeTheCatalog() {
        func messageID(_ text: String) -> String? { MessageSummary(parsing: Array(text.utf8)).messageID }
        #expect(messageID("Subject: x\r\nMessage-ID:\r\n  <folded@\r\n example.org> \r\nTo: y\r\n\r\n") == "folded@example.org")
        #expect(messageID("message-id : <a@b>\n\nMessage-ID: <body@x>\n") == "a@b")
        #expect(messageID("Message-ID: bare@word trailing\n\n") == "bare@word")
        #expect(messageID("Message-ID: <spam@@example.biz\r\n\r\n") == "spam@@example.biz")
        #expect(messageID("Subject: none\n\nMessage-ID: <body@x>\n") == nil)
        #expect(messageID("Message-ID:  <> \n\n") == nil)
    }
}
