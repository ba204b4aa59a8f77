/// The days a recurrence rule picks within one period.
enum RecurrenceDays {
    /// The `ordinal`-th `weekday` of the month (negative: counted from the end).
    static func nthWeekday(_ ordinal: Int, _ weekday: Int, year: Int, month: Int) -> CivilDate? {
        let length = CivilDate.days(inMonth: month, year: year)
        if ordinal > 0 {
            let first = CivilDate(year: year, month: month, day: 1)
            let day = 1 + (weekday - first.weekday + 7) % 7 + (ordinal - 1) * 7
            return day <= length ? CivilDate(year: year, month: month, day: day) : nil
        }
        let last = CivilDate(year: year, month: month, day: length)
        let day = length - (last.weekday - weekday + 7) % 7 + (ordinal + 1) * 7
        return day >= 1 ? CivilDate(year: year, month: month, day: day) : nil
    }

    /// Day `day` of the month (negative: counted from the end); nil when it does not exist.
    static func monthDay(_ day: Int, year: Int, month: Int) -> CivilDate? {
        let length = CivilDate.days(inMonth: month, year: year)
        let resolved = day > 0 ? day : length + 1 + day
        return resolved >= 1 && resolved <= length ? CivilDate(year: year, month: month, day: resolved) : nil
    }

    /// The days of one month a MONTHLY (or YEARLY with BYMONTH) rule picks, sorted:
    /// BYDAY (with ordinals: the n-th such weekday; without: every such weekday) and
    /// BYMONTHDAY intersected when both are given; neither: the start's day, when the
    /// month has it.
    static func inMonth(_ rule: RecurrenceRule, year: Int, month: Int, startDay: Int) -> [CivilDate] {
        var days: Set<CivilDate> = []
        if !rule.byDay.isEmpty {
            for entry in rule.byDay {
                if let ordinal = entry.ordinal {
                    if let day = nthWeekday(ordinal, entry.weekday, year: year, month: month) { days.insert(day) }
                } else {
                    var day = nthWeekday(1, entry.weekday, year: year, month: month)
                    while let current = day, current.month == month {
                        days.insert(current)
                        day = current.adding(days: 7)
                    }
                }
            }
            if !rule.byMonthDay.isEmpty {
                let picked = Set(rule.byMonthDay.compactMap { monthDay($0, year: year, month: month) })
                days.formIntersection(picked)
            }
        } else if !rule.byMonthDay.isEmpty {
            days = Set(rule.byMonthDay.compactMap { monthDay($0, year: year, month: month) })
        } else if let day = monthDay(startDay, year: year, month: month) {
            days = [day]
        }
        return days.sorted()
    }
}
