/// An iCalendar DATE or DATE-TIME value (RFC 5545 §3.3.4, §3.3.5) as written: a wall
/// time and how to read it.
struct DateValue: Sendable, Equatable {
    /// How the wall time maps to an instant.
    enum Form: Sendable, Equatable {
        /// A DATE: the whole day, read as starting at 00:00 UTC.
        case date
        /// A DATE-TIME ending in `Z`.
        case utc
        /// A DATE-TIME without `Z` or TZID: read as UTC.
        case floating
        /// A DATE-TIME with a TZID parameter.
        case zoned(String)
    }

    /// The wall time as seconds since 1970-01-01T00:00 of the same calendar, ignoring
    /// any zone.
    var wallSeconds: Int
    /// How to read it.
    var form: Form

    /// Whether the value is a DATE.
    var isDate: Bool { form == .date }

    /// The calendar date of the wall time.
    var civilDate: CivilDate { CivilDate(daysSince1970: wallSeconds.floorDivided(by: 86_400)) }

    /// Seconds since midnight of the wall time.
    var secondOfDay: Int { wallSeconds - wallSeconds.floorDivided(by: 86_400) * 86_400 }

    /// Parses `text` (`YYYYMMDD`, `YYYYMMDDTHHMMSS`, `YYYYMMDDTHHMMSSZ`); a DATE-TIME
    /// with `tzid` is zoned, unless it ends in `Z`. Nil when the text is not a date.
    init?(_ text: Substring, tzid: String?) {
        let digits = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard index < digits.count, digits[index] >= 0x30, digits[index] <= 0x39 else { return nil }
                value = value * 10 + Int(digits[index] - 0x30)
            }
            return value
        }
        guard digits.count >= 8, let year = number(0..<4), let month = number(4..<6), let day = number(6..<8) else {
            return nil
        }
        let date = CivilDate(year: year, month: month, day: day)
        guard date.isValid else { return nil }
        if digits.count == 8 {
            self.wallSeconds = date.daysSince1970 * 86_400
            self.form = .date
            return
        }
        guard digits.count >= 15, digits[8] == UInt8(ascii: "T") || digits[8] == UInt8(ascii: "t"),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        let isUTC = digits.count == 16 && (digits[15] == UInt8(ascii: "Z") || digits[15] == UInt8(ascii: "z"))
        guard digits.count == 15 || isUTC else { return nil }
        self.wallSeconds = date.daysSince1970 * 86_400 + hour * 3600 + minute * 60 + min(second, 59)
        if isUTC {
            self.form = .utc
        } else if let tzid, !tzid.isEmpty {
            self.form = .zoned(tzid)
        } else {
            self.form = .floating
        }
    }

    /// Creates a value from its parts.
    init(wallSeconds: Int, form: Form) {
        self.wallSeconds = wallSeconds
        self.form = form
    }

    /// The value of a date property: its first value, with VALUE=DATE and TZID taken
    /// into account.
    init?(_ line: ContentLine) {
        let text = line.rawText.split(separator: ",").first.map { Substring($0.trimmingSpaces) } ?? ""
        self.init(text, tzid: line.parameter("TZID"))
    }

    /// The same kind of value at another wall time.
    func at(_ wallSeconds: Int) -> DateValue { DateValue(wallSeconds: wallSeconds, form: form) }
}

/// An iCalendar DURATION value (RFC 5545 §3.3.6) in seconds: `P1D`, `-PT15M`, `P2W`.
enum DurationValue {
    /// The seconds of `text`, or nil when it is not a duration.
    static func seconds(_ text: String) -> Int? {
        var characters = Substring(text.trimmingSpaces.uppercased())
        var sign = 1
        if characters.first == "+" || characters.first == "-" {
            if characters.first == "-" { sign = -1 }
            characters.removeFirst()
        }
        guard characters.first == "P" else { return nil }
        characters.removeFirst()
        var total = 0
        var number: Int?
        var sawUnit = false
        for character in characters {
            if let digit = character.wholeNumberValue, character.isASCII {
                number = (number ?? 0).saturatingMultiplied(by: 10).saturatingAdding(digit)
                continue
            }
            if character == "T" { continue }
            guard let value = number else { return nil }
            let unit: Int
            switch character {
            case "W": unit = 604_800
            case "D": unit = 86_400
            case "H": unit = 3600
            case "M": unit = 60
            case "S": unit = 1
            default: return nil
            }
            total = total.saturatingAdding(value.saturatingMultiplied(by: unit))
            number = nil
            sawUnit = true
        }
        guard sawUnit, number == nil else { return nil }
        return sign * min(total, CalendarTime.latest - CalendarTime.earliest)
    }
}

extension Int {
    /// Division rounding toward negative infinity.
    func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
