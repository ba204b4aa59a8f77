/// An RRULE value (RFC 5545 §3.3.10), the parts the summary uses.
struct RecurrenceRule: Sendable {
    /// FREQ.
    enum Frequency: String, Sendable {
        case secondly = "SECONDLY", minutely = "MINUTELY", hourly = "HOURLY"
        case daily = "DAILY", weekly = "WEEKLY", monthly = "MONTHLY", yearly = "YEARLY"
    }

    /// One BYDAY entry: `MO`, `2TU`, `-1FR`.
    struct Day: Sendable, Equatable {
        /// The ordinal, nil for every such weekday.
        var ordinal: Int?
        /// ISO weekday, 1 Monday … 7 Sunday.
        var weekday: Int
    }

    var frequency: Frequency
    var interval = 1
    var count: Int?
    /// UNTIL as written (a DATE, a UTC DATE-TIME or a floating one).
    var until: DateValue?
    var byDay: [Day] = []
    var byMonthDay: [Int] = []
    var byMonth: [Int] = []
    /// BY parts this summary does not expand (BYSETPOS, BYYEARDAY, BYWEEKNO, BYHOUR,
    /// BYMINUTE, BYSECOND).
    var otherParts: [String] = []

    /// Parses `FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10`; nil without a known FREQ.
    init?(_ text: String) {
        var frequency: Frequency?
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = pair[0].uppercased().trimmingSpaces
            let value = String(pair[1]).trimmingSpaces
            switch name {
            case "FREQ": frequency = Frequency(rawValue: value.uppercased())
            case "INTERVAL": interval = min(max(1, RecurrenceRule.number(value) ?? 1), RecurrenceRule.intervalLimit)
            case "COUNT": count = RecurrenceRule.number(value).map { min(max(0, $0), RecurrenceRule.countLimit) }
            case "UNTIL": until = DateValue(Substring(value), tzid: nil)
            case "BYDAY": byDay = value.split(separator: ",").compactMap(RecurrenceRule.day)
            case "BYMONTHDAY": byMonthDay = value.split(separator: ",").compactMap { Int($0.trimmingSpaces) }
            case "BYMONTH": byMonth = value.split(separator: ",").compactMap { Int($0.trimmingSpaces) }.filter { (1...12).contains($0) }
            case "BYSETPOS", "BYYEARDAY", "BYWEEKNO", "BYHOUR", "BYMINUTE", "BYSECOND": otherParts.append(name)
            default: break
            }
        }
        guard let frequency else { return nil }
        self.frequency = frequency
    }

    /// Whether the rule has an end (UNTIL or COUNT).
    var isBounded: Bool { until != nil || count != nil }

    private static let weekdays = ["MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6, "SU": 7]

    private static func day(_ text: Substring) -> Day? {
        let trimmed = text.trimmingSpaces.uppercased()
        guard trimmed.count >= 2, let weekday = weekdays[String(trimmed.suffix(2))] else { return nil }
        let prefix = trimmed.dropLast(2)
        if prefix.isEmpty { return Day(ordinal: nil, weekday: weekday) }
        guard let ordinal = Int(prefix.hasPrefix("+") ? String(prefix.dropFirst()) : String(prefix)), ordinal != 0 else { return nil }
        return Day(ordinal: ordinal, weekday: weekday)
    }
}
