import BrickCore
import Testing
@testable import BrickMaildir

@Suite struct MaildirFileNameTests {
    let keywords = DovecotKeywords(parsing: "0 $Label1\n1 Important\n3 Work\n")

    @Test func keyIsTheUniquePartBeforeTheInfoSuffix() {
        let name = MaildirFileName(parsing: "1700000000.M1P1.host,S=262,W=270:2,RS")
        #expect(name.key == "1700000000.M1P1.host,S=262,W=270")
        #expect(name.flagLetters == "RS")
    }

    @Test func nameWithoutSuffixIsWholeKeyWithNoFlags() {
        let name = MaildirFileName(parsing: "1700001400.M15P1.fixture")
        #expect(name.key == "1700001400.M15P1.fixture")
        #expect(name.flags(keywords: keywords) == .none)
    }

    @Test func keyStaysTheSameWhenFlagsChange() {
        #expect(MaildirFileName(parsing: "k:2,").key == MaildirFileName(parsing: "k:2,FS").key)
        #expect(MaildirFileName(parsing: "k").key == MaildirFileName(parsing: "k:2,S").key)
    }

    @Test func systemFlagLettersMapToSystemFlags() {
        let flags = MaildirFlags.decode("DFPRST", keywords: keywords)
        #expect(flags.system == [.draft, .flagged, .forwarded, .answered, .seen, .deleted])
        #expect(flags.keywords.isEmpty)
    }

    @Test func lowercaseLettersMapThroughDovecotKeywords() {
        let flags = MaildirFlags.decode("Sabd", keywords: keywords)
        #expect(flags.system == [.seen])
        #expect(flags.keywords == ["$Label1", "Important", "Work"])
    }

    @Test func unknownLettersAreIgnored() {
        let flags = MaildirFlags.decode("SczXé1", keywords: keywords)
        #expect(flags == ItemFlags(system: [.seen]))
    }

    @Test func encodingWritesLettersInASCIIOrder() {
        let flags = ItemFlags(system: [.seen, .answered, .flagged, .draft], keywords: ["Work", "$Label1"])
        #expect(MaildirFlags.encode(flags, keywords: keywords) == "DFRSad")
    }

    @Test func encodingLeavesOutKeywordsWithoutLetter() {
        let flags = ItemFlags(system: [.seen], keywords: ["Unmapped"])
        #expect(MaildirFlags.encode(flags, keywords: keywords) == "S")
    }
}
