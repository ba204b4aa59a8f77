import BrickMessage
import Foundation

/// IMAP `date-time` (RFC 9051 §9): `"17-Jul-1996 02:44:25 -0700"`, both ways.
/// Computed by hand: no formatter, no locale, no time-zone database.
enum InternalDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Parses the text inside the quotes.
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: " ")
        guard parts.count == 3 else { return nil }
        let dayParts = parts[0].split(separator: "-")
        let timeParts = parts[1].split(separator: ":")
        let zone = parts[2]
        guard dayParts.count == 3, timeParts.count == 3, zone.count == 5,
              let day = Int(dayParts[0]), let year = Int(dayParts[2]),
              let month = months.firstIndex(where: { $0.caseInsensitiveCompare(dayParts[1]) == .orderedSame }),
              let hour = Int(timeParts[0]), let minute = Int(timeParts[1]), let second = Int(timeParts[2]),
              let zoneHours = Int(zone.dropFirst().prefix(2)), let zoneMinutes = Int(zone.suffix(2))
        else { return nil }
        // Each field within its range (a zone's hours as 2DIGIT): no arithmetic below
        // can overflow, whatever digits a server sends.
        guard (1...31).contains(day), (1...9999).contains(year), (0...23).contains(hour), (0...59).contains(minute),
              (0...60).contains(second), (0...99).contains(zoneHours), (0...59).contains(zoneMinutes)
        else { return nil }
        let sign: Int
        switch zone.first {
        case "+": sign = 1
        case "-": sign = -1
        default: return nil
        }
        let days = Int(UTCDateTime.days(year: year, month: month + 1, day: day))
        let local = days * 86_400 + hour * 3_600 + minute * 60 + second
        let offset = sign * (zoneHours * 3_600 + zoneMinutes * 60)
        return Date(timeIntervalSince1970: TimeInterval(local - offset))
    }

    /// Formats a date in UTC for APPEND: `17-Jul-1996 02:44:25 +0000` (no quotes).
    static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (year, month, day) = UTCDateTime.civil(fromDays: Int64(days))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(day))-\(months[month - 1])-\(year) \(two(rest / 3_600)):\(two(rest / 60 % 60)):\(two(rest % 60)) +0000"
    }
}
