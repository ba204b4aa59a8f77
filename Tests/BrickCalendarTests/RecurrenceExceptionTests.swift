import Foundation
import Testing
@testable import BrickCalendar

/// The first and last occurrence with EXDATE, RDATE and RECURRENCE-ID overrides, in
/// VTIMEZONE, floating and all-day series, and the bounded fallback of rules too long
/// to expand.
@Suite("Recurrence: exceptions and bounds")
struct RecurrenceExceptionTests {
    /// A one-hour UTC event starting at `start` with `rule` and `extra` lines.
    private func summary(_ rule: String, start: String = "20260105T100000Z", extra: String = "", after: String = "") -> DAVItemSummary {
        DAVItemParser.summarize(crlf("""
            BEGIN:VCALENDAR
            VERSION:2.0
            BEGIN:VEVENT
            UID:x
            DTSTART:\(start)
            DURATION:PT1H
            RRULE:\(rule)
            \(extra)END:VEVENT
            \(after)END:VCALENDAR

            """))
    }

    @Test("BYSETPOS in a VTIMEZONE series: EXDATEs of the first and the last occurrence move both ends")
    func bySetPosWithExdates() throws {
        // Last weekdays of 2026: 30 Jan (excluded), 27 Feb, 31 Mar, 30 Apr, 29 May, 30 Jun (excluded), 17:00 Berlin.
        let summary = DAVItemParser.summarize(try davFixture("bysetpos-exdate-vtimezone.ics"))
        #expect(summary.problems.isEmpty)
        #expect(summary.start == utc("2026-02-27T16:00:00Z"))
        #expect(summary.end == utc("2026-05-29T16:00:00Z"))
    }

    @Test("An all-day series ends after an RDATE when its last occurrence is excluded")
    func allDayExdateAndRdate() throws {
        let summary = DAVItemParser.summarize(try davFixture("allday-yearly-exdate-rdate.ics"))
        #expect(summary.start == utc("2026-03-29T00:00:00Z"))
        #expect(summary.end == utc("2028-04-03T00:00:00Z"))
    }

    @Test("Overrides that move the first occurrence later and the last earlier move the start and the end")
    func overridesMoveBothEnds() throws {
        let summary = DAVItemParser.summarize(try davFixture("override-moves-last-earlier.ics"))
        #expect(summary.start == utc("2026-01-10T10:00:00Z"))
        #expect(summary.end == utc("2026-01-27T10:00:00Z"))
    }

    @Test("RFC 5545's Friday the 13th: DTSTART excluded, the series starts at the first real occurrence")
    func fridayThirteenth() {
        let summary = summary("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=5", start: "19970902T090000Z", extra: "EXDATE:19970902T090000Z\n")
        #expect(summary.start == utc("1998-02-13T09:00:00Z"))
        #expect(summary.end == utc("2000-10-13T10:00:00Z"))
    }

    @Test("An EXDATE of the last occurrence, written in another zone, ends the series at the one before")
    func exdateInAnotherZone() {
        // Weekly Mondays 10:00 UTC: 5, 12, 19, 26 January; 26 January excluded as 11:00 Berlin.
        let summary = summary("FREQ=WEEKLY;COUNT=4", extra: "EXDATE;TZID=Europe/Berlin:20260126T110000\n")
        #expect(summary.end == utc("2026-01-19T11:00:00Z"))
    }

    @Test("An override moving the last occurrence later moves the end later")
    func overrideMovesLater() {
        let summary = summary("FREQ=DAILY;COUNT=3", after: """
            BEGIN:VEVENT
            UID:x
            RECURRENCE-ID:20260107T100000Z
            DTSTART:20260109T150000Z
            DTEND:20260109T170000Z
            END:VEVENT

            """)
        #expect(summary.end == utc("2026-01-09T17:00:00Z"))
    }

    @Test("Excluding every occurrence leaves DTSTART as the span, not an empty one")
    func everythingExcluded() {
        let summary = summary("FREQ=DAILY;COUNT=2", extra: "EXDATE:20260105T100000Z,20260106T100000Z\n")
        #expect(summary.start == utc("2026-01-05T10:00:00Z"))
        #expect(summary.end == utc("2026-01-05T11:00:00Z"))
    }

    @Test("An open-ended series whose DTSTART is excluded starts at its next occurrence")
    func openEndedExcludedStart() {
        let summary = summary("FREQ=WEEKLY;BYDAY=MO,WE", extra: "EXDATE:20260105T100000Z\n")
        #expect(summary.isOpenEnded)
        #expect(summary.end == nil)
        #expect(summary.start == utc("2026-01-07T10:00:00Z"))
    }

    @Test("RANGE=THISANDFUTURE shifting later occurrences widens the end by the shift")
    func thisAndFuture() throws {
        let summary = summary("FREQ=DAILY;COUNT=5", after: """
            BEGIN:VEVENT
            UID:x
            RECURRENCE-ID;RANGE=THISANDFUTURE:20260107T100000Z
            DTSTART:20260107T130000Z
            DTEND:20260107T140000Z
            END:VEVENT

            """)
        let end = try #require(summary.end)
        #expect(end >= utc("2026-01-09T14:00:00Z"))
    }

    @Test("A rule too long to expand ends at its safe bound, at once", arguments: [
        ("FREQ=SECONDLY;BYHOUR=9;COUNT=1000000", "9999-12-31T23:59:59Z"),
        ("FREQ=SECONDLY;BYHOUR=9;UNTIL=20300101T000000Z", "2030-01-01T01:00:00Z"),
        ("FREQ=MINUTELY;BYDAY=SU;COUNT=1000000", "9999-12-31T23:59:59Z"),
    ])
    func cappedExpansion(rule: String, bound: String) {
        let summary = summary(rule)
        #expect(summary.end == utc(bound))
        #expect(summary.start == utc("2026-01-05T10:00:00Z"))
    }

    @Test("A long rule without BY parts stays exact however many occurrences it has")
    func longArithmeticRules() {
        #expect(summary("FREQ=SECONDLY;COUNT=1000000").end == utc("2026-01-16T23:46:39Z").addingTimeInterval(3600))
        #expect(summary("FREQ=DAILY;COUNT=1000000").end == utc("4763-12-02T11:00:00Z"))
    }

    @Test("A rule that never produces an occurrence spans DTSTART alone")
    func impossibleRule() {
        let summary = summary("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3")
        #expect(summary.end == utc("2026-01-05T11:00:00Z"))
    }

    /// Each of these looks at more candidate days before year 9999 than the expansion's
    /// step limit allows, so without the 400-year cycle it would end at the safe bound.
    @Test("A rule that can never match spans DTSTART alone, found within one 400-year cycle", arguments: [
        "FREQ=YEARLY;BYYEARDAY=1;BYMONTHDAY=31;COUNT=3",
        "FREQ=MONTHLY;BYDAY=MO;BYMONTHDAY=31;BYSETPOS=2;COUNT=3",
        "FREQ=WEEKLY;BYDAY=MO;BYMONTH=2;BYMONTHDAY=31;UNTIL=99991231T000000Z",
        "FREQ=DAILY;INTERVAL=3;BYMONTH=2;BYMONTHDAY=30;COUNT=3",
    ])
    func impossibleRuleFoundInOneCycle(rule: String) {
        let summary = summary(rule)
        #expect(summary.end == utc("2026-01-05T11:00:00Z"))
        #expect(!summary.isOpenEnded)
    }

    @Test("A rule that matches once in 400 years is still found after the first cycle's periods")
    func rareRuleStillFound() {
        // 29 February on a Monday: 2044, 2072, 2112 (2100 is no leap year), ...
        let summary = summary("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;COUNT=3")
        #expect(summary.end == utc("2112-02-29T11:00:00Z"))
    }
}
