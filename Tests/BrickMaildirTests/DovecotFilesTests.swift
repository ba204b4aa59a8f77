import BrickCore
import Testing
@testable import BrickMaildir

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

    @Test func sha256MatchesPublishedVectors() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func messageIDIsUnfoldedAndNormalizedLikeTheCatalog() {
        let header = Array("Subject: x\r\nMessage-ID:\r\n  <folded@\r\n example.org> \r\nTo: y\r\n\r\n".utf8)
        #expect(MessageHeaders.messageID(in: header) == "folded@example.org")
        #expect(MessageHeaders.messageID(in: Array("message-id : <a@b>\n\nMessage-ID: <body@x>\n".utf8)) == "a@b")
        #expect(MessageHeaders.messageID(in: Array("Message-ID: bare@word trailing\n\n".utf8)) == "bare@word")
        #expect(MessageHeaders.messageID(in: Array("Message-ID: <spam@@example.biz\r\n\r\n".utf8)) == "spam@@example.biz")
        #expect(MessageHeaders.messageID(in: Array("Subject: none\n\nMessage-ID: <body@x>\n".utf8)) == nil)
        #expect(MessageHeaders.messageID(in: Array("Message-ID:  <> \n\n".utf8)) == nil)
        #expect(MessageHeaders.normalizedMessageID([0x3C, 0x61, 0x80, 0xE9, 0x3E]) == "a€é")
    }
}
