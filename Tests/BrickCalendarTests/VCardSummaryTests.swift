import Testing
@testable import BrickCalendar

@Suite("vCard summaries")
struct VCardSummaryTests {
    @Test("vCard 3.0 from Apple: FN, grouped and plain EMAILs lower-cased, an embedded photo skipped")
    func appleVCard3() throws {
        let summary = DAVItemParser.summarize(try davFixture("apple-vcard3-photo.vcf"))
        #expect(summary.kind == .contact)
        #expect(summary.title == "Bjørn Øster")
        #expect(summary.uid == "6B29FC40-CA47-1067-B31D-00DD010662DA")
        #expect(summary.addresses == ["bjorn@nordlys.example", "b.oster@work.example"])
        #expect(summary.start == nil && summary.end == nil)
        #expect(summary.problems.isEmpty)
    }

    @Test("vCard 4.0: urn:uuid: UID prefix removed, escaped comma in FN, LF line ends")
    func vCard4() throws {
        let summary = DAVItemParser.summarize(try davFixture("vcard4-urn-uuid.vcf"))
        #expect(summary.title == "Smith, John (Dr.)")
        #expect(summary.uid == "4fbe8971-0bc3-424c-9c26-36c3e1eff6b1")
        #expect(summary.addresses == ["john.smith@example.com", "jsmith@home.example"])
        #expect(summary.problems.isEmpty)
    }

    @Test("An ISO 8859-1 vCard is read and reported as not UTF-8")
    func latin1() throws {
        let summary = DAVItemParser.summarize(try davFixture("latin1-vcard.vcf"))
        #expect(summary.title == "José García")
        #expect(summary.problems == ["not UTF-8"])
    }

    @Test("Without FN the name comes from N and the card is reported")
    func nameFromN() throws {
        let summary = DAVItemParser.summarize(try davFixture("vcard3-no-fn.vcf"))
        #expect(summary.title == "Yuki Nakamura")
        #expect(summary.problems == ["vCard without FN"])
    }

    @Test("A 20 MB photo is skipped and the card after it is read")
    func hugePhoto() {
        var bytes = Array("BEGIN:VCARD\r\nVERSION:3.0\r\nPHOTO;ENCODING=b;TYPE=JPEG:".utf8)
        let chunk = [UInt8](repeating: UInt8(ascii: "Q"), count: 74)
        for _ in 0..<(20 << 20) / 74 { bytes += chunk + [0x0D, 0x0A, 0x20] }
        bytes += Array("QQ\r\nFN:Big Photo\r\nEMAIL:big@example.org\r\nEND:VCARD\r\n".utf8)
        let summary = DAVItemParser.summarize(bytes)
        #expect(summary.title == "Big Photo")
        #expect(summary.addresses == ["big@example.org"])
        #expect(summary.problems.isEmpty)
    }
}
