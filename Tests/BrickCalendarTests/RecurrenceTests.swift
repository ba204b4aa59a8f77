import Foundation
import Testing
@testable import BrickCalendar

@Suite("Recurrence end")
struct RecurrenceTests {
    /// The end of a one-hour UTC event starting at `start` with `rule`.
    private func end(_ rule: String, start: String = "20260105T100000Z", extra: String = "") -> DAVItemSummary {
        DAVItemParser.summarize(crlf("""
            BEGIN:VCALENDAR
            VERSION:2.0
            BEGIN:VEVENT
            UID:r
            DTSTART:\(start)
            DURATION:PT1H
            RRULE:\(rule)
            \(extra)END:VEVENT
            END:VCALENDAR

            """))
    }

    @Test("WEEKLY;BYDAY=MO,WE,FR;COUNT=10 ends on the tenth weekday picked")
    func weeklyByDayCount() {
        // Mon 5 Jan 2026: 5,7,9,12,14,16,19,21,23,26 January.
        #expect(end("FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=10").end == utc("2026-01-26T11:00:00Z"))
    }

    @Test("MONTHLY on the 31st skips the months without one")
    func monthlySkipsShortMonths() {
        // 31 Jan, 31 Mar, 31 May, 31 Jul.
        #expect(end("FREQ=MONTHLY;COUNT=4", start: "20260131T100000Z").end == utc("2026-07-31T11:00:00Z"))
    }

    @Test("YEARLY on 29 February counts leap years only")
    func yearlyLeapDay() {
        #expect(end("FREQ=YEARLY;COUNT=3", start: "20240229T100000Z").end == utc("2032-02-29T11:00:00Z"))
    }

    @Test("MONTHLY;BYDAY=-1FR with UNTIL ends on the last Friday before UNTIL")
    func lastFridayUntil() {
        // Last Fridays: 30 Jan, 27 Feb, 27 Mar, 24 Apr 2026; UNTIL 20 May excludes 29 May.
        #expect(end("FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20260520T000000Z", start: "20260130T100000Z").end == utc("2026-04-24T11:00:00Z"))
    }

    @Test("DAILY;INTERVAL=3 with UNTIL between occurrences ends on the one before")
    func dailyIntervalUntil() {
        #expect(end("FREQ=DAILY;INTERVAL=3;UNTIL=20260112T000000Z").end == utc("2026-01-11T11:00:00Z"))
    }

    @Test("HOURLY;COUNT=5 is exact arithmetic")
    func hourly() {
        #expect(end("FREQ=HOURLY;INTERVAL=2;COUNT=5").end == utc("2026-01-05T19:00:00Z"))
    }

    @Test("A wall-time series keeps its time of day across the DST change")
    func dstKeepsWallTime() {
        let summary = DAVItemParser.summarize(crlf("""
            BEGIN:VCALENDAR
            VERSION:2.0
            BEGIN:VEVENT
            UID:d
            DTSTART;TZID=Europe/Berlin:20260320T090000
            DTEND;TZID=Europe/Berlin:20260320T100000
            RRULE:FREQ=DAILY;COUNT=10
            END:VEVENT
            END:VCALENDAR

            """))
        #expect(summary.start == utc("2026-03-20T08:00:00Z"))
        #expect(summary.end == utc("2026-03-29T08:00:00Z"))
    }

    @Test("BYSETPOS=-1 with COUNT ends exactly on the last weekday of the third month")
    func bySetPosExact() {
        // Last weekday of the month, 3 times: 30 Jan, 27 Feb, 31 Mar 2026.
        let summary = end("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3", start: "20260130T100000Z")
        #expect(summary.end == utc("2026-03-31T11:00:00Z"))
        #expect(!summary.isOpenEnded)
    }

    @Test("An RRULE without UNTIL or COUNT is open-ended even with overrides")
    func openEnded() {
        let summary = end("FREQ=WEEKLY")
        #expect(summary.isOpenEnded)
        #expect(summary.end == nil)
    }

    @Test("An unknown TZID is read as UTC and reported")
    func unknownZone() {
        let summary = DAVItemParser.summarize(crlf("""
            BEGIN:VCALENDAR
            VERSION:2.0
            BEGIN:VEVENT
            UID:z
            DTSTART;TZID=Nowhere Standard Time:20260105T100000
            END:VEVENT
            END:VCALENDAR

            """))
        #expect(summary.start == utc("2026-01-05T10:00:00Z"))
        #expect(summary.problems == ["unknown time zone Nowhere Standard Time, read as UTC"])
    }

    @Test("hostile COUNT, INTERVAL and DURATION numbers give an end cut to year 9999, never an overflow")
    func hostileNumbersAreCut() {
        let latest = utc("9999-12-31T23:59:59Z")
        for rule in [
            "FREQ=SECONDLY;COUNT=9223372036854775807",
            "FREQ=HOURLY;INTERVAL=9223372036854775807;COUNT=9223372036854775807",
            "FREQ=DAILY;INTERVAL=99999999999999999999999;COUNT=3",
            "FREQ=YEARLY;BYWEEKNO=1;COUNT=99999999999999999999999",
            "FREQ=MONTHLY;INTERVAL=9223372036854775807;COUNT=2",
        ] {
            let summary = end(rule)
            #expect(summary.end != nil, "\(rule)")
            #expect(summary.end.map { $0 <= latest } == true, "\(rule)")
            #expect(summary.end.map { $0 > utc("2026-01-05T10:00:00Z") } == true, "\(rule)")
        }
        let long = DAVItemParser.summarize(crlf("""
            BEGIN:VCALENDAR
            VERSION:2.0
            BEGIN:VEVENT
            UID:d
            DTSTART:20260105T100000Z
            DURATION:P99999999999999999999999W
            END:VEVENT
            END:VCALENDAR

            """))
        #expect(long.end == latest)
    }

    @Test("INTERVAL and COUNT written as large but valid numbers keep their value")
    func largeValidNumbersKeepTheirValue() {
        #expect(end("FREQ=DAILY;INTERVAL=1000;COUNT=2").end == utc("2028-10-01T11:00:00Z"))
    }
}
