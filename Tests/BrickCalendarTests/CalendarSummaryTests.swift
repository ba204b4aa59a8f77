import Foundation
import Testing
@testable import BrickCalendar

@Suite("Calendar object summaries from the fixtures")
struct CalendarSummaryTests {
    @Test("Thunderbird weekly series: Berlin VTIMEZONE, UNTIL across the DST change, an override moved past the last occurrence")
    func thunderbirdWeeklyWithExceptions() throws {
        let summary = DAVItemParser.summarize(try davFixture("thunderbird-weekly-exceptions.ics"))
        #expect(summary.kind == .event)
        #expect(summary.uid == "3b6f2c1e-8d4a-4f7e-9c2b-5a1d0e9f8c7b")
        #expect(summary.title == "Team stand-up, Berlin office")
        #expect(summary.start == utc("2026-01-05T09:00:00Z"))
        #expect(summary.end == utc("2026-04-02T09:30:00Z"))
        #expect(!summary.isOpenEnded)
        #expect(summary.addresses == ["alice@example.org", "bob@example.org", "carol@example.org"])
        #expect(summary.problems.isEmpty)
    }

    @Test("Outlook: a Windows TZID read with its VTIMEZONE, MONTHLY BYDAY=2TU with COUNT")
    func outlookWindowsTimeZone() throws {
        let summary = DAVItemParser.summarize(try davFixture("outlook-windows-tzid.ics"))
        #expect(summary.title == "Budgetrunde Q1/Q2")
        #expect(summary.uid == "040000008200E00074C5B7101A82E00800000000D0B7C7A4E95ADB01000000000000000010000000F2C4E1B0A4D6A44B9B6E3C1D2F0A8B7C")
        #expect(summary.start == utc("2026-02-10T13:00:00Z"))
        #expect(summary.end == utc("2026-07-14T13:00:00Z"))
        #expect(summary.addresses == ["j.mueller@contoso.com", "alice@example.org", "zoe.angstrom@contoso.com"])
        #expect(summary.problems.isEmpty)
    }

    @Test("All-day event: DATE values at 00:00 UTC, the end date exclusive")
    func appleAllDay() throws {
        let summary = DAVItemParser.summarize(try davFixture("apple-allday-alarm.ics"))
        #expect(summary.title == "Wedding, Anna & Tom")
        #expect(summary.start == utc("2026-03-14T00:00:00Z"))
        #expect(summary.end == utc("2026-03-16T00:00:00Z"))
        #expect(summary.addresses.isEmpty)
        #expect(summary.problems.isEmpty)
    }

    @Test("Floating times (bare LF line ends) are read as UTC")
    func floatingTime() throws {
        let summary = DAVItemParser.summarize(try davFixture("floating-time.ics"))
        #expect(summary.start == utc("2026-06-01T09:00:00Z"))
        #expect(summary.end == utc("2026-06-01T17:30:00Z"))
    }

    @Test("Google DAILY;INTERVAL=2;COUNT=10 ends on its tenth occurrence")
    func googleDailyCount() throws {
        let summary = DAVItemParser.summarize(try davFixture("google-daily-count.ics"))
        #expect(summary.start == utc("2026-03-02T08:00:00Z"))
        #expect(summary.end == utc("2026-03-20T08:15:00Z"))
        #expect(summary.addresses == ["dana@gmail.example", "erik@example.org"])
    }

    @Test("A task ends at its DUE")
    func taskDue() throws {
        let summary = DAVItemParser.summarize(try davFixture("task-with-alarm.ics"))
        #expect(summary.kind == .task)
        #expect(summary.title == "Steuererklärung abgeben")
        #expect(summary.start == utc("2026-04-01T07:00:00Z"))
        #expect(summary.end == utc("2026-04-10T15:00:00Z"))
    }

    @Test("A journal entry with a DATE start")
    func journal() throws {
        let summary = DAVItemParser.summarize(try davFixture("journal-entry.ics"))
        #expect(summary.kind == .journal)
        #expect(summary.start == utc("2026-01-15T00:00:00Z"))
        #expect(summary.problems.isEmpty)
    }

    @Test("A YEARLY rule without UNTIL or COUNT is open-ended and has no end")
    func openEndedBirthday() throws {
        let summary = DAVItemParser.summarize(try davFixture("birthday-yearly-open.ics"))
        #expect(summary.title == "🎂 王飞 (Fei Wong)")
        #expect(summary.start == utc("1980-07-22T00:00:00Z"))
        #expect(summary.isOpenEnded)
        #expect(summary.end == nil)
    }

    @Test("RDATEs after the first occurrence move the end")
    func rdates() throws {
        let summary = DAVItemParser.summarize(try davFixture("rdate-extra-dates.ics"))
        #expect(summary.end == utc("2026-11-20T13:00:00Z"))
        #expect(summary.addresses == ["frank@example.com"])
    }

    @Test("A broken event is still summarized as far as it goes, with its problems")
    func brokenEvent() throws {
        let summary = DAVItemParser.summarize(try davFixture("invalid-broken-event.ics"))
        #expect(summary.kind == .event)
        #expect(summary.uid == "broken-1@example.com")
        #expect(summary.start == nil)
        #expect(summary.problems.contains("DTSTART is not a date"))
        #expect(summary.problems.contains("END:VCALENDAR closes BEGIN:VEVENT"))
    }

    @Test("Bytes that are neither iCalendar nor vCard give kind other and a problem")
    func notICalendar() throws {
        let summary = DAVItemParser.summarize(try davFixture("not-icalendar.ics"))
        #expect(summary.kind == .other)
        #expect(!summary.problems.isEmpty)
        #expect(DAVItemParser.summarize([]).kind == .other)
    }

    @Test("Every fixture gives the same summary fed whole or with its lines refolded one byte a line")
    func refoldedGivesSameSummary() throws {
        for name in ["thunderbird-weekly-exceptions.ics", "outlook-windows-tzid.ics", "apple-vcard3-photo.vcf"] {
            let bytes = try davFixture(name)
            var refolded: [UInt8] = []
            for line in ContentLineReader.lines(bytes) {
                for (index, byte) in line.raw.enumerated() {
                    if index > 0 { refolded += [0x0D, 0x0A, 0x20] }
                    refolded.append(byte)
                }
                refolded += [0x0D, 0x0A]
            }
            #expect(DAVItemParser.summarize(refolded) == DAVItemParser.summarize(bytes), "\(name)")
        }
    }
}
