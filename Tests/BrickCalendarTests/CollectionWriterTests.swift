import Testing
@testable import BrickCalendar

@Suite("Collection writers")
struct CollectionWriterTests {
    private let names = [
        "thunderbird-weekly-exceptions.ics", "task-with-alarm.ics", "outlook-windows-tzid.ics", "apple-allday-alarm.ics",
        "floating-time.ics",
    ]

    @Test("One VCALENDAR, each VTIMEZONE once, every object summarized as before")
    func icsMergesObjects() throws {
        var writer = ICSCollectionWriter(calendarName: "Work, private")
        for name in names { try writer.add(try davFixture(name)) }
        #expect(writer.objectCount == names.count)
        let bytes = writer.bytes()
        let (components, problems) = Component.tree(ContentLineReader.lines(bytes))
        #expect(problems.isEmpty)
        #expect(components.map(\.name) == ["VCALENDAR"])
        let calendar = components[0]
        let zones = calendar.children.filter { $0.name == "VTIMEZONE" }.compactMap { $0.property("TZID")?.rawText }
        #expect(zones == ["Europe/Berlin", "W. Europe Standard Time"])
        #expect(calendar.property("X-WR-CALNAME")?.text == "Work, private")
        let uids = Set(calendar.children.compactMap { $0.property("UID")?.text })
        #expect(uids.count == names.count)
        for name in names {
            let original = DAVItemParser.summarize(try davFixture(name))
            let uid = try #require(original.uid)
            var single = Component(name: "VCALENDAR", properties: calendar.properties)
            single.children = calendar.children.filter { $0.name == "VTIMEZONE" || $0.property("UID")?.text == uid }
            var out: [UInt8] = []
            LineFolding.append(single, to: &out)
            #expect(DAVItemParser.summarize(out) == original, "\(name)")
        }
    }

    @Test("Lines are at most 75 octets, end in CRLF, and folds never split a UTF-8 sequence")
    func folding() throws {
        var writer = ICSCollectionWriter()
        let long = String(repeating: "Größenänderung 🎂 ", count: 20)
        try writer.add(crlf("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:f\nDTSTART:20260101T000000Z\nSUMMARY:\(long)\nEND:VEVENT\nEND:VCALENDAR\n"))
        let bytes = writer.bytes()
        var lineStart = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            #expect(index > 0 && bytes[index - 1] == 0x0D)
            #expect(index - 1 - lineStart <= 75)
            if index + 1 < bytes.count { #expect(bytes[index + 1] & 0xC0 != 0x80) }
            if index + 2 < bytes.count && bytes[index + 1] == 0x20 { #expect(bytes[index + 2] & 0xC0 != 0x80) }
            lineStart = index + 1
        }
        #expect(String(validating: bytes, as: UTF8.self) != nil)
        #expect(DAVItemParser.summarize(bytes).title == long)
    }

    @Test("Bytes without a VCALENDAR component are refused")
    func icsRefusesOther() throws {
        var writer = ICSCollectionWriter()
        #expect(throws: CalendarFormatError.noComponents) { try writer.add(try davFixture("not-icalendar.ics")) }
        #expect(throws: CalendarFormatError.noComponents) { try writer.add(try davFixture("vcard4-urn-uuid.vcf")) }
        #expect(writer.objectCount == 0)
    }

    @Test("vCards are concatenated byte for byte, a missing final line break added")
    func vcfConcatenates() throws {
        var writer = VCFCollectionWriter()
        let first = try davFixture("apple-vcard3-photo.vcf")
        let second = Array(try davFixture("vcard4-urn-uuid.vcf").dropLast())
        try writer.add(first)
        try writer.add(second)
        #expect(writer.cardCount == 2)
        #expect(writer.bytes() == first + second + [0x0D, 0x0A])
        #expect(throws: CalendarFormatError.noComponents) { try writer.add(try davFixture("apple-allday-alarm.ics")) }
    }
}
