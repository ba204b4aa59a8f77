/// An RRULE value (RFC 5545 §3.3.10), every part the summary's expansion uses.
struct RecurrenceRule: Sendable {
    /// FREQ, in the order of RFC 5545 (shortest period first).
    enum Frequency: String, Sendable, Comparable {
        case secondly = "SECONDLY", minutely = "MINUTELY", hourly = "HOURLY"
        case daily = "DAILY", weekly = "WEEKLY", monthly = "MONTHLY", yearly = "YEARLY"

        private var rank: Int {
            switch self {
            case .secondly: 0
            case .minutely: 1
            case .hourly: 2
            case .daily: 3
            case .weekly: 4
            case .monthly: 5
            case .yearly: 6
            }
        }

        static func < (lhs: Frequency, rhs: Frequency) -> Bool { lhs.rank < rhs.rank }
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
    /// BYMONTHDAY, 1…31 or −31…−1.
    var byMonthDay: [Int] = []
    /// BYMONTH, 1…12.
    var byMonth: [Int] = []
    /// BYYEARDAY, 1…366 or −366…−1.
    var byYearDay: [Int] = []
    /// BYWEEKNO, 1…53 or −53…−1.
    var byWeekNo: [Int] = []
    /// BYSETPOS, 1…366 or −366…−1.
    var bySetPos: [Int] = []
    /// BYHOUR, BYMINUTE, BYSECOND (a leap second 60 is read as 59).
    var byHour: [Int] = []
    var byMinute: [Int] = []
    var bySecond: [Int] = []
    /// WKST as an ISO weekday (Monday when not given).
    var weekStart = 1

    /// Parses `FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10`; nil without a known FREQ. Values
    /// outside a part's range are dropped (a part left empty is as if not given).
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
            case "BYMONTHDAY": byMonthDay = RecurrenceRule.numbers(value, signed: 31)
            case "BYMONTH": byMonth = RecurrenceRule.numbers(value, in: 1...12)
            case "BYYEARDAY": byYearDay = RecurrenceRule.numbers(value, signed: 366)
            case "BYWEEKNO": byWeekNo = RecurrenceRule.numbers(value, signed: 53)
            case "BYSETPOS": bySetPos = RecurrenceRule.numbers(value, signed: 366)
            case "BYHOUR": byHour = RecurrenceRule.numbers(value, in: 0...23)
            case "BYMINUTE": byMinute = RecurrenceRule.numbers(value, in: 0...59)
            case "BYSECOND": bySecond = RecurrenceRule.numbers(value, in: 0...60).map { min($0, 59) }
            case "WKST": weekStart = RecurrenceRule.weekdays[value.uppercased()] ?? 1
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
        guard let ordinal = Int(prefix.hasPrefix("+") ? String(prefix.dropFirst()) : String(prefix)), ordinal != 0,
            abs(ordinal) <= 53
        else { return nil }
        return Day(ordinal: ordinal, weekday: weekday)
    }

    /// The comma-separated numbers of `text` within `range`, sorted, without repeats.
    private static func numbers(_ text: String, in range: ClosedRange<Int>) -> [Int] {
        Set(text.split(separator: ",").compactMap { Int($0.trimmingSpaces.hasPrefix("+") ? String($0.trimmingSpaces.dropFirst()) : $0.trimmingSpaces) }
            .filter(range.contains)).sorted()
    }

    /// The numbers of `text` in 1…`limit` or −`limit`…−1.
    private static func numbers(_ text: String, signed limit: Int) -> [Int] {
        numbers(text, in: -limit...limit).filter { $0 != 0 }
    }
}
