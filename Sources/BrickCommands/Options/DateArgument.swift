import Foundation

/// Parses `YYYY-MM-DD` (local time) dates given on the command line.
enum DateArgument {
    /// The start of the day `text` names, in the local time zone.
    static func startOfDay(_ text: String, option: String) throws -> Date {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            parts[0].count == 4, (1...12).contains(month), (1...31).contains(day)
        else {
            throw UsageError("invalid date for \(option): '\(text)' (expected YYYY-MM-DD, e.g. 2026-03-01)")
        }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == day else {
            throw UsageError("invalid date for \(option): '\(text)' does not exist")
        }
        return date
    }

    /// The start of the day after `text`: the exclusive end of an inclusive day range.
    static func endOfDay(_ text: String, option: String) throws -> Date {
        let start = try startOfDay(text, option: option)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        return calendar.date(byAdding: .day, value: 1, to: start)!
    }
}
