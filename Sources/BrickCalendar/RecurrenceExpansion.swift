/// A finite RRULE expanded period by period (RFC 5545 §3.3.10), in the wall clock of
/// its DTSTART, with the defaults RFC 5545 takes from DTSTART filled in as libical and
/// python-dateutil do: a YEARLY rule without BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY
/// or BYDAY recurs on DTSTART's month and day, a MONTHLY one on DTSTART's day, a
/// WEEKLY one on DTSTART's weekday, and BYHOUR, BYMINUTE, BYSECOND default to
/// DTSTART's for the frequencies longer than them.
///
/// Each period's candidate days are filtered by BYMONTH, BYWEEKNO (weeks starting on
/// WKST, week 1 the first with four days of the year), BYYEARDAY, BYMONTHDAY and BYDAY
/// (a union of its entries; an ordinal counts within the month for MONTHLY and for
/// YEARLY with BYMONTH, within the year for YEARLY otherwise, and is ignored for the
/// shorter frequencies, where RFC 5545 does not allow it). The period's times are
/// joined to them, BYSETPOS picks from the sorted set, and only then are times before
/// DTSTART dropped. DTSTART itself is not counted unless the rule produces it.
struct RecurrenceExpansion {
    /// How many candidate days and occurrences one expansion may look at before it
    /// gives up on an exact answer (0.1–0.2 s of CPU in a release build).
    static let stepLimit = 500_000

    let rule: RecurrenceRule
    let startWall: Int
    private let startDate: CivilDate
    private let months: Set<Int>
    private let monthDays: Set<Int>
    private let weekdays: Set<Int>
    private let nthWeekdays: [RecurrenceRule.Day]
    private let yearDays: Set<Int>
    private let weekNumbers: Set<Int>
    private let hours: [Int]
    private let minutes: [Int]
    private let seconds: [Int]
    /// Steps taken so far.
    private(set) var steps = 0

    /// The expansion of `rule` for a series starting at wall time `start`.
    init(_ rule: RecurrenceRule, startWall start: Int) {
        self.rule = rule
        startWall = start
        startDate = CivilDate(daysSince1970: start.floorDivided(by: 86_400))
        let time = start - start.floorDivided(by: 86_400) * 86_400
        let noDayParts = rule.byWeekNo.isEmpty && rule.byYearDay.isEmpty && rule.byMonthDay.isEmpty && rule.byDay.isEmpty
        var months = Set(rule.byMonth)
        var monthDays = Set(rule.byMonthDay)
        var weekdays = Set<Int>()
        var nth: [RecurrenceRule.Day] = []
        for day in rule.byDay {
            if let ordinal = day.ordinal, rule.frequency >= .monthly {
                nth.append(RecurrenceRule.Day(ordinal: ordinal, weekday: day.weekday))
            } else {
                weekdays.insert(day.weekday)
            }
        }
        if noDayParts {
            switch rule.frequency {
            case .yearly:
                if months.isEmpty { months = [startDate.month] }
                monthDays = [startDate.day]
            case .monthly: monthDays = [startDate.day]
            case .weekly: weekdays = [startDate.weekday]
            default: break
            }
        }
        self.months = months
        self.monthDays = monthDays
        self.weekdays = weekdays
        nthWeekdays = nth
        yearDays = Set(rule.byYearDay)
        weekNumbers = Set(rule.byWeekNo)
        hours = rule.byHour.isEmpty ? [time / 3600] : rule.byHour
        minutes = rule.byMinute.isEmpty ? [time / 60 % 60] : rule.byMinute
        seconds = rule.bySecond.isEmpty ? [time % 60] : rule.bySecond
    }

    /// The occurrences of period `period` (0 is the one holding DTSTART), sorted, as
    /// wall times, none before DTSTART; nil when the period starts after year 9999.
    mutating func occurrences(period: Int) -> [Int]? {
        let index = period.saturatingMultiplied(by: rule.interval)
        var days: [CivilDate] = []
        var fixed: (hour: Int, minute: Int?, second: Int?)?
        switch rule.frequency {
        case .yearly:
            let year = startDate.year.saturatingAdding(index)
            guard year <= 9999 else { return nil }
            for month in 1...12 where months.isEmpty || months.contains(month) { days += candidates(year: year, month: month) }
        case .monthly:
            let month = CivilDate.month(startDate.year, startDate.month, plus: index)
            guard month.year <= 9999 else { return nil }
            if months.isEmpty || months.contains(month.month) { days = candidates(year: month.year, month: month.month) }
        case .weekly:
            let first = startDate.adding(days: -((startDate.weekday - rule.weekStart + 7) % 7)).daysSince1970
                .saturatingAdding(index.saturatingMultiplied(by: 7))
            guard first <= RecurrenceExpansion.lastDay else { return nil }
            days = (0..<7).map { CivilDate(daysSince1970: first + $0) }
        case .daily:
            let day = startDate.daysSince1970.saturatingAdding(index)
            guard day <= RecurrenceExpansion.lastDay else { return nil }
            days = [CivilDate(daysSince1970: day)]
        case .hourly, .minutely, .secondly:
            let wall = periodStart(period: period)
            guard wall.floorDivided(by: 86_400) <= RecurrenceExpansion.lastDay else { return nil }
            steps += 1
            guard let time = subDailyTime(wall) else { return [] }
            days = [CivilDate(daysSince1970: wall.floorDivided(by: 86_400))]
            fixed = time
        }
        steps += 1 + days.count
        let picked = days.filter(matches)
        guard !picked.isEmpty else { return [] }
        var times: [Int] = []
        if let fixed {
            for minute in fixed.minute.map({ [$0] }) ?? minutes {
                for second in fixed.second.map({ [$0] }) ?? seconds { times.append(fixed.hour * 3600 + minute * 60 + second) }
            }
        } else {
            for hour in hours { for minute in minutes { for second in seconds { times.append(hour * 3600 + minute * 60 + second) } } }
        }
        var walls: [Int] = []
        for day in picked { for time in times { walls.append(day.daysSince1970 * 86_400 + time) } }
        steps += walls.count
        return selected(walls).filter { $0 >= startWall }
    }

    /// How many periods the rule's pattern takes to come round again, for DAILY and the
    /// longer frequencies (nil for the shorter ones). The Gregorian calendar repeats its
    /// leap years, weekdays and week numbers every 400 years: 146,097 days, 20,871 weeks,
    /// 4,800 months. So period `n + cycle` has the candidates of period `n` moved by a
    /// multiple of 400 years, and a rule that produced nothing in periods 1 through
    /// `cycle` produces nothing later either.
    var periodsPerCycle: Int? {
        let units: Int
        switch rule.frequency {
        case .yearly: units = 400
        case .monthly: units = 4_800
        case .weekly: units = 20_871
        case .daily: units = 146_097
        case .hourly, .minutely, .secondly: return nil
        }
        var (a, b) = (units, rule.interval)
        while b != 0 { (a, b) = (b, a % b) }
        return units / a
    }

    /// The wall time at which period `period` starts (for stopping at UNTIL).
    func periodStart(period: Int) -> Int {
        let index = period.saturatingMultiplied(by: rule.interval)
        switch rule.frequency {
        case .yearly:
            return CivilDate(year: min(startDate.year.saturatingAdding(index), 10_000), month: 1, day: 1).daysSince1970 * 86_400
        case .monthly:
            let month = CivilDate.month(startDate.year, startDate.month, plus: min(index, 120_000))
            return CivilDate(year: month.year, month: month.month, day: 1).daysSince1970 * 86_400
        case .weekly:
            let first = startDate.adding(days: -((startDate.weekday - rule.weekStart + 7) % 7)).daysSince1970
            return first.saturatingAdding(index.saturatingMultiplied(by: 7)).saturatingMultiplied(by: 86_400)
        case .daily: return startDate.daysSince1970.saturatingAdding(index).saturatingMultiplied(by: 86_400)
        case .hourly: return (startWall.floorDivided(by: 3600) * 3600).saturatingAdding(index.saturatingMultiplied(by: 3600))
        case .minutely: return (startWall.floorDivided(by: 60) * 60).saturatingAdding(index.saturatingMultiplied(by: 60))
        case .secondly: return startWall.saturatingAdding(index)
        }
    }

    /// The period after `period` worth expanding: the next one, except that for the
    /// frequencies shorter than a day the periods of a day, hour or minute that BYxxx
    /// rules out are skipped together.
    mutating func nextPeriod(after period: Int) -> Int {
        guard rule.frequency < .daily else { return period + 1 }
        let wall = periodStart(period: period)
        let step = rule.frequency == .hourly ? 3600 : rule.frequency == .minutely ? 60 : 1
        var target: Int?
        if !matches(CivilDate(daysSince1970: wall.floorDivided(by: 86_400))) {
            target = (wall.floorDivided(by: 86_400) + 1) * 86_400
        } else if subDailyTime(wall) == nil {
            let time = wall - wall.floorDivided(by: 86_400) * 86_400
            if !rule.byHour.isEmpty && !rule.byHour.contains(time / 3600) {
                target = (wall.floorDivided(by: 3600) + 1) * 3600
            } else if step == 1 && !rule.byMinute.isEmpty && !rule.byMinute.contains(time / 60 % 60) {
                target = (wall.floorDivided(by: 60) + 1) * 60
            }
        }
        guard let target else { return period + 1 }
        steps += 1
        let base = periodStart(period: 0)
        let length = step.saturatingMultiplied(by: rule.interval)
        let skipped = (target - base + length - 1).floorDivided(by: length)
        return max(period + 1, skipped)
    }

    /// The hour, and for MINUTELY and SECONDLY the minute, and for SECONDLY the second,
    /// of the period starting at `wall`; nil when BYHOUR, BYMINUTE or BYSECOND rule it out.
    private func subDailyTime(_ wall: Int) -> (hour: Int, minute: Int?, second: Int?)? {
        let time = wall - wall.floorDivided(by: 86_400) * 86_400
        let hour = time / 3600
        let minute = rule.frequency <= .minutely ? time / 60 % 60 : nil
        let second = rule.frequency == .secondly ? time % 60 : nil
        guard rule.byHour.isEmpty || rule.byHour.contains(hour),
            minute.map({ rule.byMinute.isEmpty || rule.byMinute.contains($0) }) ?? true,
            second.map({ rule.bySecond.isEmpty || rule.bySecond.contains($0) }) ?? true
        else { return nil }
        return (hour, minute, second)
    }

    /// 9999-12-31 in days since 1970.
    private static let lastDay = 2_932_896

    /// The days of a month worth testing: only the BYMONTHDAY days when nothing else
    /// picks days, else every day.
    private func candidates(year: Int, month: Int) -> [CivilDate] {
        if weekdays.isEmpty && nthWeekdays.isEmpty && yearDays.isEmpty && weekNumbers.isEmpty && !monthDays.isEmpty {
            return Set(monthDays.compactMap { RecurrenceDays.monthDay($0, year: year, month: month) }).sorted()
        }
        return (1...CivilDate.days(inMonth: month, year: year)).map { CivilDate(year: year, month: month, day: $0) }
    }

    /// Whether `day` passes every BY part that filters days.
    private func matches(_ day: CivilDate) -> Bool {
        if !months.isEmpty && !months.contains(day.month) { return false }
        if !monthDays.isEmpty {
            let length = CivilDate.days(inMonth: day.month, year: day.year)
            if !monthDays.contains(day.day) && !monthDays.contains(day.day - length - 1) { return false }
        }
        if !yearDays.isEmpty {
            let dayOfYear = day.daysSince1970 - CivilDate(year: day.year, month: 1, day: 1).daysSince1970 + 1
            let length = CivilDate(year: day.year + 1, month: 1, day: 1).daysSince1970 - CivilDate(year: day.year, month: 1, day: 1).daysSince1970
            if !yearDays.contains(dayOfYear) && !yearDays.contains(dayOfYear - length - 1) { return false }
        }
        if !weekNumbers.isEmpty {
            let week = WeekNumbering.week(of: day, weekStart: rule.weekStart)
            if !weekNumbers.contains(week.number) && !weekNumbers.contains(week.number - week.weeksInYear - 1) { return false }
        }
        if weekdays.isEmpty && nthWeekdays.isEmpty { return true }
        if weekdays.contains(day.weekday) { return true }
        return nthWeekdays.contains { $0.weekday == day.weekday && ordinalMatches($0.ordinal ?? 0, day) }
    }

    /// Whether `day` is the `ordinal`-th of its weekday in the month (MONTHLY, YEARLY
    /// with BYMONTH) or in the year (YEARLY otherwise).
    private func ordinalMatches(_ ordinal: Int, _ day: CivilDate) -> Bool {
        let position: Int
        let length: Int
        if rule.frequency == .monthly || !rule.byMonth.isEmpty {
            position = day.day
            length = CivilDate.days(inMonth: day.month, year: day.year)
        } else {
            let january = CivilDate(year: day.year, month: 1, day: 1).daysSince1970
            position = day.daysSince1970 - january + 1
            length = CivilDate(year: day.year + 1, month: 1, day: 1).daysSince1970 - january
        }
        return ordinal > 0 ? (position - 1) / 7 + 1 == ordinal : -((length - position) / 7 + 1) == ordinal
    }

    /// The period's occurrences BYSETPOS picks (all of them without BYSETPOS), sorted.
    private func selected(_ walls: [Int]) -> [Int] {
        guard !rule.bySetPos.isEmpty else { return walls }
        var picked = Set<Int>()
        for position in rule.bySetPos {
            let index = position > 0 ? position - 1 : walls.count + position
            if index >= 0 && index < walls.count { picked.insert(walls[index]) }
        }
        return picked.sorted()
    }
}

/// Week numbers as BYWEEKNO counts them (RFC 5545 §3.3.10): weeks start on WKST, and
/// week 1 of a year is the first with at least four of its days, that is the week
/// holding 4 January (ISO 8601 when WKST is Monday).
enum WeekNumbering {
    /// The number of the week holding `day` in its week-numbering year, and how many
    /// weeks (52 or 53) that year has.
    static func week(of day: CivilDate, weekStart: Int) -> (number: Int, weeksInYear: Int) {
        let days = day.daysSince1970
        var year = day.year
        if days < firstDay(of: year + 1, weekStart: weekStart) {
            if days < firstDay(of: year, weekStart: weekStart) { year -= 1 }
        } else {
            year += 1
        }
        let first = firstDay(of: year, weekStart: weekStart)
        return ((days - first) / 7 + 1, (firstDay(of: year + 1, weekStart: weekStart) - first) / 7)
    }

    /// The first day of week 1 of `year`, in days since 1970.
    private static func firstDay(of year: Int, weekStart: Int) -> Int {
        let fourth = CivilDate(year: year, month: 1, day: 4)
        return fourth.daysSince1970 - (fourth.weekday - weekStart + 7) % 7
    }
}
