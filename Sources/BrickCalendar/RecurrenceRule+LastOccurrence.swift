extension RecurrenceRule {
    /// The most periods walked before giving up on an exact answer.
    static let periodLimit = 400_000
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

    /// The wall time of the start of the rule's last occurrence, for a series that
    /// starts at wall time `start` and whose UNTIL, when there is one, is `untilWall`
    /// in the same wall clock; `exact` is false when it is an upper bound.
    ///
    /// Exact for FREQ=SECONDLY, MINUTELY and HOURLY without BY parts, and for DAILY,
    /// WEEKLY, MONTHLY and YEARLY with INTERVAL, BYMONTH, BYMONTHDAY and BYDAY (weekdays,
    /// and for MONTHLY and YEARLY with BYMONTH also `2TU`, `-1FR`), walking the periods
    /// in wall time, so daylight saving changes do not move the time of day. EXDATE is
    /// not subtracted (an excluded last occurrence leaves the end later than it is).
    ///
    /// An upper bound, not the exact last occurrence, for the rest: BYSETPOS, BYYEARDAY,
    /// BYWEEKNO, BYHOUR, BYMINUTE and BYSECOND, YEARLY BYDAY without BYMONTH, ordinals
    /// on DAILY or WEEKLY. With UNTIL the bound is UNTIL itself; with COUNT it is COUNT
    /// periods of the frequency (eight times that when BYYEARDAY or BYWEEKNO may leave
    /// whole periods empty), which such rules, all giving at least one occurrence a
    /// period in practice, cannot pass.
    /// The result is cut to the years 1 to 9999 (`CalendarTime`).
    func lastStart(from start: DateValue, untilWall: Int?) -> (wall: Int, exact: Bool) {
        let found = unclampedLastStart(from: start, untilWall: untilWall)
        return (CalendarTime.clamped(found.wall), found.exact)
    }

    private func unclampedLastStart(from start: DateValue, untilWall: Int?) -> (wall: Int, exact: Bool) {
        if let step = fixedStep, otherParts.isEmpty, byDay.isEmpty, byMonthDay.isEmpty, byMonth.isEmpty {
            if let count { return (start.wallSeconds.saturatingAdding(max(0, count - 1).saturatingMultiplied(by: step)), true) }
            if let untilWall {
                let steps = max(0, (untilWall - start.wallSeconds).floorDivided(by: step))
                return (start.wallSeconds + steps * step, true)
            }
        }
        if isExpandable, let last = walk(from: start, untilWall: untilWall) { return (last, true) }
        if let untilWall { return (max(start.wallSeconds, untilWall), false) }
        let periods = (count ?? 1).saturatingMultiplied(by: interval)
            .saturatingMultiplied(by: otherParts.contains("BYYEARDAY") || otherParts.contains("BYWEEKNO") ? 8 : 1)
        return (start.wallSeconds.saturatingAdding(periods.saturatingMultiplied(by: periodBound)), false)
    }

    /// The exact length of one step for the frequencies shorter than a day.
    private var fixedStep: Int? {
        switch frequency {
        case .secondly: interval
        case .minutely: interval * 60
        case .hourly: interval * 3600
        default: nil
        }
    }

    /// The longest a period of the frequency lasts.
    private var periodBound: Int {
        switch frequency {
        case .secondly: interval
        case .minutely: 60
        case .hourly: 3600
        case .daily: 86_400
        case .weekly: 604_800
        case .monthly: 31 * 86_400
        case .yearly: 366 * 86_400
        }
    }

    /// Whether `walk` gives the exact answer for this rule.
    private var isExpandable: Bool {
        guard otherParts.isEmpty else { return false }
        switch frequency {
        case .daily, .weekly: return byDay.allSatisfy { $0.ordinal == nil }
        case .monthly: return true
        case .yearly: return byDay.isEmpty || !byMonth.isEmpty
        default: return false
        }
    }

    /// Walks the periods and returns the last occurrence's wall time; nil when the
    /// walk hit `periodLimit` or year 9999 first, or found no occurrence.
    private func walk(from start: DateValue, untilWall: Int?) -> Int? {
        let startDate = start.civilDate
        let time = start.secondOfDay
        let months = Set(byMonth)
        var last: Int?
        var produced = 0
        for period in 0..<RecurrenceRule.periodLimit {
            let days = self.days(period: period, startDate: startDate)
            guard let firstDay = days.first ?? periodStart(period: period, startDate: startDate), firstDay.year <= 9999 else {
                return nil
            }
            for day in days where day >= startDate && (months.isEmpty || months.contains(day.month)) {
                let wall = day.daysSince1970 * 86_400 + time
                if let untilWall, wall > untilWall { return last }
                last = wall
                produced += 1
                if let count, produced >= count { return last }
            }
        }
        return nil
    }

    /// The first day of period `period` (for the year check when it picks no day).
    private func periodStart(period: Int, startDate: CivilDate) -> CivilDate? {
        switch frequency {
        case .monthly:
            let month = CivilDate.month(startDate.year, startDate.month, plus: period * interval)
            return CivilDate(year: month.year, month: month.month, day: 1)
        case .yearly: return CivilDate(year: startDate.year + period * interval, month: 1, day: 1)
        default: return startDate.adding(days: period * interval * (frequency == .weekly ? 7 : 1))
        }
    }

    /// The candidate days of one period, sorted (BYMONTH is applied by the caller).
    private func days(period: Int, startDate: CivilDate) -> [CivilDate] {
        switch frequency {
        case .daily:
            let day = startDate.adding(days: period * interval)
            if !byDay.isEmpty && !byDay.contains(where: { $0.weekday == day.weekday }) { return [] }
            if !byMonthDay.isEmpty && RecurrenceDays.inMonth(self, year: day.year, month: day.month, startDay: day.day).contains(day) == false {
                return []
            }
            return [day]
        case .weekly:
            let monday = startDate.adding(days: -(startDate.weekday - 1) + period * interval * 7)
            let weekdays = byDay.isEmpty ? [startDate.weekday] : Set(byDay.map(\.weekday)).sorted()
            return weekdays.map { monday.adding(days: $0 - 1) }
        case .monthly:
            let month = CivilDate.month(startDate.year, startDate.month, plus: period * interval)
            return RecurrenceDays.inMonth(self, year: month.year, month: month.month, startDay: startDate.day)
        case .yearly:
            let year = startDate.year + period * interval
            let months = byMonth.isEmpty ? [startDate.month] : Set(byMonth).sorted()
            return months.flatMap { RecurrenceDays.inMonth(self, year: year, month: $0, startDay: startDate.day) }
        default:
            return []
        }
    }
}
