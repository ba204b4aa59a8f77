import Foundation

/// Parses the Date header (RFC 5322 §3.3) and the obsolete and broken forms mail has.
///
/// Accepted beyond the standard form: a missing weekday, missing seconds, two- and
/// three-digit years (§4.3: below 50 is 20xx, otherwise 19xx), named zones (UT, GMT,
/// UTC, Z, the US zones of §4.3, a few European and Asian abbreviations), `+hh:mm`,
/// comments anywhere (`+0000 (UTC)`), dashes between date parts (`3-Feb-2025`), the
/// asctime order (`Mon Feb  3 10:00:00 2025`), ISO-like `2025-02-03 10:00:00`, and a
/// missing time (midnight). An unknown zone or none is read as UTC. Impossible values
/// (month 13, 31 February, hour 25) give nil.
public enum MessageDate {
    /// The moment a Date header value names, or nil when it names none.
    public static func parse(_ text: String) -> Date? {
        parse(utf8: Array(text.utf8))
    }

    /// The moment in UTF-8 `bytes`, or nil.
    static func parse(utf8 bytes: [UInt8]) -> Date? {
        guard let seconds = secondsSince1970(bytes) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The moment in `bytes` as seconds since 1970, or nil.
    static func secondsSince1970(_ bytes: [UInt8]) -> Int64? {
        var scanner = DateTokens(bytes)
        scanner.scan()
        var year: Int
        var month: Int
        var day: Int
        let numbers = scanner.numbers
        if let named = scanner.month {
            guard numbers.count >= 2 else { return nil }
            month = named
            let first = numbers[0]
            let second = numbers[1]
            if first.digits >= 3 || first.value > 31 {
                (year, day) = (expandYear(first), second.value)
            } else {
                (day, year) = (first.value, expandYear(second))
            }
        } else {
            guard numbers.count >= 3, numbers[0].digits == 4 else { return nil }
            (year, month, day) = (numbers[0].value, numbers[1].value, numbers[2].value)
        }
        guard year >= 1900 && year <= 9999, month >= 1 && month <= 12,
            day >= 1 && day <= UTCDateTime.daysInMonth(year: year, month: month)
        else { return nil }
        let time = scanner.time ?? (0, 0, 0)
        guard time.hour <= 23, time.minute <= 59, time.second <= 60 else { return nil }
        let moment = UTCDateTime(
            year: year, month: month, day: day, hour: time.hour, minute: time.minute, second: time.second)
        let offset = scanner.offsetMinutes ?? scanner.namedOffsetMinutes ?? 0
        return moment.secondsSince1970 - Int64(offset) * 60
    }

    private static func expandYear(_ number: DateTokens.Number) -> Int {
        switch number.digits {
        case ...2: number.value < 50 ? 2000 + number.value : 1900 + number.value
        case 3: 1900 + number.value
        default: number.value
        }
    }
}

/// One pass over a Date value, collecting what `MessageDate` interprets.
private struct DateTokens {
    struct Number {
        var value: Int
        var digits: Int
    }

    let bytes: [UInt8]
    var index = 0
    var numbers: [Number] = []
    var month: Int?
    var time: (hour: Int, minute: Int, second: Int)?
    var offsetMinutes: Int?
    var namedOffsetMinutes: Int?

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func scan() {
        while index < bytes.count {
            let byte = bytes[index]
            if isDigit(byte) {
                scanNumberOrTime()
            } else if isLetter(byte) {
                scanWord()
            } else if byte == UInt8(ascii: "(") {
                skipComment()
            } else if (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")) && time != nil
                && offsetMinutes == nil && index + 1 < bytes.count && isDigit(bytes[index + 1])
            {
                scanOffset(negative: byte == UInt8(ascii: "-"))
            } else {
                index += 1
            }
        }
    }

    mutating func readNumber(maxDigits: Int = 9) -> Number {
        var value = 0
        var digits = 0
        while index < bytes.count && isDigit(bytes[index]) {
            if digits < maxDigits { value = value * 10 + Int(bytes[index] - 0x30) }
            digits += 1
            index += 1
        }
        return Number(value: value, digits: digits)
    }

    mutating func scanNumberOrTime() {
        let first = readNumber()
        guard skipTimeColon() else {
            if numbers.count < 4 { numbers.append(first) }
            return
        }
        let minute = readNumber()
        var second = Number(value: 0, digits: 0)
        if skipTimeColon() { second = readNumber() }
        if time == nil && first.digits <= 2 && minute.digits <= 2 && second.digits <= 2 {
            time = (first.value, minute.value, second.value)
        }
    }

    /// Moves past a time colon when one follows, with the white space the obsolete
    /// syntax allows around it, and a digit after it; otherwise leaves `index` alone.
    mutating func skipTimeColon() -> Bool {
        var probe = index
        while probe < bytes.count && bytes[probe] == 0x20 { probe += 1 }
        guard probe < bytes.count, bytes[probe] == UInt8(ascii: ":") else { return false }
        probe += 1
        while probe < bytes.count && bytes[probe] == 0x20 { probe += 1 }
        guard probe < bytes.count, isDigit(bytes[probe]) else { return false }
        index = probe
        return true
    }

    mutating func scanOffset(negative: Bool) {
        index += 1
        let start = index
        var number = readNumber()
        var hours: Int
        var minutes: Int
        if number.digits <= 2, index + 1 < bytes.count, bytes[index] == UInt8(ascii: ":"),
            isDigit(bytes[index + 1])
        {
            index += 1
            hours = number.value
            number = readNumber()
            minutes = number.value
        } else {
            guard index - start <= 4 else { return }
            hours = number.digits <= 2 ? number.value : number.value / 100
            minutes = number.digits <= 2 ? 0 : number.value % 100
        }
        guard hours <= 23, minutes <= 59 else { return }
        offsetMinutes = (negative ? -1 : 1) * (hours * 60 + minutes)
    }

    mutating func scanWord() {
        let start = index
        while index < bytes.count && isLetter(bytes[index]) { index += 1 }
        let word = bytes[start..<index].map { $0 | 0x20 }
        if month == nil, word.count >= 3, let found = DateTokens.monthIndex(word) {
            month = found
        } else if time != nil && namedOffsetMinutes == nil, let zone = DateTokens.zoneOffset(word) {
            namedOffsetMinutes = zone
        }
    }

    mutating func skipComment() {
        var depth = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"): depth -= 1
            case UInt8(ascii: "\\"): index += 1
            default: break
            }
            index += 1
            if depth == 0 { return }
        }
    }

    static let monthNames: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map { Array($0.utf8) }

    static func monthIndex(_ word: [UInt8]) -> Int? {
        let prefix = word.prefix(3)
        guard let found = monthNames.firstIndex(where: { $0.elementsEqual(prefix) }) else { return nil }
        return found + 1
    }

    static func zoneOffset(_ word: [UInt8]) -> Int? {
        switch String(decoding: word, as: UTF8.self) {
        case "ut", "utc", "gmt", "z", "wet": 0
        case "est": -300
        case "edt": -240
        case "cst": -360
        case "cdt": -300
        case "mst": -420
        case "mdt": -360
        case "pst": -480
        case "pdt": -420
        case "bst", "cet", "met", "mez", "west": 60
        case "cest", "mest", "mesz", "eet": 120
        case "eest", "msk": 180
        case "jst", "kst": 540
        case "hkt": 480
        case "aest": 600
        default: nil
        }
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
}
