/// Weekday and month-day arithmetic of recurrence rules and VTIMEZONE transitions.
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
}
