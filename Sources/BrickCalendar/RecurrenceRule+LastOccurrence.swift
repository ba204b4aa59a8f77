/// The first and last occurrence a recurrence rule produces, in the wall clock of the
/// series' DTSTART, with some occurrences excluded.
struct RecurrenceSpan: Sendable, Equatable {
    /// The wall time of the first occurrence not excluded; nil when there is none, or
    /// none was found before the expansion gave up.
    var first: Int?
    /// The wall time of the last occurrence not excluded (nil when there is none); when
    /// `exact` is false, a bound no occurrence passes instead.
    var last: Int?
    /// Whether `last` is the rule's real last occurrence.
    var exact: Bool
}

extension RecurrenceRule {
    /// The largest INTERVAL taken as written (a larger one is read as this: every
    /// occurrence after the first is past year 9999 either way).
    static let intervalLimit = 1_000_000
    /// The largest COUNT taken as written (more occurrences than any series can have
    /// before year 9999 at one a second).
    static let countLimit = 1_000_000_000_000

    /// The value of an INTERVAL or COUNT part: its digits as a number, `Int.max` when
    /// there are too many to hold (the callers cut it to their limit), nil when it is
    /// not a number.
    static func number(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return Int(text) }
        return Int(text) ?? .max
    }

    /// The first and last occurrence of a bounded rule for a series starting at wall
    /// time `start`, whose UNTIL, when there is one, is `untilWall` in the same wall
    /// clock; occurrences at the wall times in `excluded` (EXDATEs, overridden
    /// RECURRENCE-IDs) still count towards COUNT but are not first or last.
    ///
    /// Exact for every rule RFC 5545 allows (`RecurrenceExpansion`). A rule of DAILY or
    /// a longer frequency that has produced nothing after its first period for a whole
    /// 400-year cycle (`periodsPerCycle`) has no later occurrence, and the expansion
    /// stops there (a rule that can never match, such as BYSETPOS=-2 of one day a
    /// month, costs at most one cycle, not the periods up to year 9999). A rule that needs
    /// more than `RecurrenceExpansion.stepLimit` steps to reach its end (such as
    /// FREQ=SECONDLY;BYHOUR=9;COUNT=1000000) is cut off there, and `last` is then a
    /// safe bound: UNTIL itself, or, with COUNT, the end of year 9999. Rules without BY
    /// parts of FREQ=SECONDLY to WEEKLY are computed directly, however long.
    /// Occurrences past year 9999 are not looked for.
    func span(from start: Int, untilWall: Int?, excluded: Set<Int>) -> RecurrenceSpan {
        if count == 0 { return RecurrenceSpan(first: nil, last: nil, exact: true) }
        if let step = fixedStep { return arithmeticSpan(from: start, step: step, untilWall: untilWall, excluded: excluded) }
        var expansion = RecurrenceExpansion(self, startWall: start)
        var span = RecurrenceSpan(first: nil, last: nil, exact: true)
        var produced = 0
        var period = 0
        let cycle = expansion.periodsPerCycle
        var producedAfterFirstPeriod = false
        while expansion.steps < RecurrenceExpansion.stepLimit {
            if let untilWall, expansion.periodStart(period: period) > untilWall { return span }
            guard let walls = expansion.occurrences(period: period) else { return span }
            if period > 0 && !walls.isEmpty { producedAfterFirstPeriod = true }
            for wall in walls {
                if let untilWall, wall > untilWall { return span }
                if !excluded.contains(wall) {
                    if span.first == nil { span.first = wall }
                    span.last = wall
                }
                produced += 1
                if let count, produced >= count { return span }
            }
            // A whole cycle after the first period without an occurrence: there are no more.
            if let cycle, period >= cycle, !producedAfterFirstPeriod { return span }
            period = expansion.nextPeriod(after: period)
        }
        span.last = untilWall.map { max(start, $0) } ?? CalendarTime.latest
        span.exact = false
        return span
    }

    /// The length of one step for the rules whose occurrences are DTSTART plus whole
    /// steps of wall time: no BY parts, FREQ=SECONDLY to WEEKLY.
    private var fixedStep: Int? {
        guard byDay.isEmpty, byMonthDay.isEmpty, byMonth.isEmpty, byYearDay.isEmpty, byWeekNo.isEmpty, bySetPos.isEmpty,
            byHour.isEmpty, byMinute.isEmpty, bySecond.isEmpty
        else { return nil }
        switch frequency {
        case .secondly: return interval
        case .minutely: return interval * 60
        case .hourly: return interval * 3600
        case .daily: return interval * 86_400
        case .weekly: return interval * 604_800
        case .monthly, .yearly: return nil
        }
    }

    /// The span of a rule whose n-th occurrence is `start + n * step`.
    private func arithmeticSpan(from start: Int, step: Int, untilWall: Int?, excluded: Set<Int>) -> RecurrenceSpan {
        var total = count ?? Int.max
        if let untilWall {
            total = untilWall < start ? 0 : min(total, (untilWall - start) / step + 1)
        }
        let latest = CalendarTime.latest - start
        total = min(total, latest < 0 ? 1 : latest / step + 1)
        guard total > 0 else { return RecurrenceSpan(first: nil, last: nil, exact: true) }
        var first = 0
        while first < total && excluded.contains(start + first * step) { first += 1 }
        guard first < total else { return RecurrenceSpan(first: nil, last: nil, exact: true) }
        var last = total - 1
        while excluded.contains(start + last * step) { last -= 1 }
        return RecurrenceSpan(first: start + first * step, last: start + last * step, exact: true)
    }
}
