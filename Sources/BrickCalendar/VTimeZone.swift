/// The UTC offsets a VTIMEZONE component defines (RFC 5545 §3.6.5), for TZIDs that
/// Foundation does not know (Outlook's "W. Europe Standard Time", custom names).
///
/// Each STANDARD or DAYLIGHT observance starts at its DTSTART and, with a yearly
/// RRULE, again each year on its BYMONTH and BYDAY (`-1SU`, `2SU`) or BYMONTHDAY,
/// until its UNTIL; RDATEs add onsets. The offset at a wall time is the TZOFFSETTO of
/// the latest onset at or before it; before every onset, the TZOFFSETFROM of the
/// earliest. Other RRULE forms count only their DTSTART.
struct VTimeZone: Sendable {
    /// One STANDARD or DAYLIGHT observance.
    struct Observance: Sendable {
        var start: Int
        var offsetFrom: Int
        var offsetTo: Int
        var month: Int?
        var weekday: (ordinal: Int, weekday: Int)?
        var monthDay: Int?
        var until: Int?
        var extraOnsets: [Int] = []

        /// The onset in `year` by the yearly rule, if the rule gives one.
        func onset(in year: Int) -> Int? {
            guard let month else { return nil }
            let time = start - start.floorDivided(by: 86_400) * 86_400
            let day: CivilDate?
            if let weekday {
                day = RecurrenceDays.nthWeekday(weekday.ordinal, weekday.weekday, year: year, month: month)
            } else if let monthDay {
                day = RecurrenceDays.monthDay(monthDay, year: year, month: month)
            } else {
                day = CivilDate(year: year, month: month, day: CivilDate(daysSince1970: start.floorDivided(by: 86_400)).day)
            }
            guard let day, day.isValid else { return nil }
            let onset = day.daysSince1970 * 86_400 + time
            guard onset >= start, until.map({ onset <= $0 + 86_400 }) ?? true else { return nil }
            return onset
        }
    }

    /// The observances, in order.
    var observances: [Observance]

    /// Reads a VTIMEZONE component; nil when it has no usable observance.
    init?(_ component: Component) {
        observances = component.children.compactMap { child in
            guard child.name == "STANDARD" || child.name == "DAYLIGHT",
                let start = child.property("DTSTART").flatMap(DateValue.init),
                let to = child.property("TZOFFSETTO").flatMap({ VTimeZone.offset($0.rawText) })
            else { return nil }
            let from = child.property("TZOFFSETFROM").flatMap { VTimeZone.offset($0.rawText) } ?? to
            var observance = Observance(start: start.wallSeconds, offsetFrom: from, offsetTo: to)
            if let rule = child.property("RRULE").flatMap({ RecurrenceRule($0.rawText) }), rule.frequency == .yearly {
                observance.month = rule.byMonth.first ?? start.civilDate.month
                if let day = rule.byDay.first { observance.weekday = (day.ordinal ?? 1, day.weekday) }
                observance.monthDay = rule.byMonthDay.first
                observance.until = rule.until?.wallSeconds
            }
            for rdate in child.properties("RDATE") {
                for text in rdate.rawText.split(separator: ",") {
                    if let value = DateValue(Substring(text.trimmingSpaces), tzid: nil) {
                        observance.extraOnsets.append(value.wallSeconds)
                    }
                }
            }
            return observance
        }
        if observances.isEmpty { return nil }
    }

    /// The offset from UTC, in seconds, in force at the wall time `wall`.
    func offset(atWall wall: Int) -> Int {
        let year = CivilDate(daysSince1970: wall.floorDivided(by: 86_400)).year
        var best: (onset: Int, offset: Int)?
        for observance in observances {
            var onsets = [observance.start] + observance.extraOnsets
            for candidateYear in [year - 1, year] {
                if let onset = observance.onset(in: candidateYear) { onsets.append(onset) }
            }
            for onset in onsets where onset <= wall && onset > (best?.onset ?? Int.min) {
                best = (onset, observance.offsetTo)
            }
        }
        if let best { return best.offset }
        return observances.min { $0.start < $1.start }?.offsetFrom ?? 0
    }

    /// Seconds east of UTC of `+HHMM`, `-HHMM` or `+HHMMSS`.
    static func offset(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces
        guard let sign = trimmed.first, sign == "+" || sign == "-" else { return nil }
        let digits = trimmed.dropFirst().compactMap { $0.wholeNumberValue }
        guard digits.count == 4 || digits.count == 6, digits.count == trimmed.count - 1 else { return nil }
        var seconds = (digits[0] * 10 + digits[1]) * 3600 + (digits[2] * 10 + digits[3]) * 60
        if digits.count == 6 { seconds += digits[4] * 10 + digits[5] }
        return sign == "-" ? -seconds : seconds
    }
}
