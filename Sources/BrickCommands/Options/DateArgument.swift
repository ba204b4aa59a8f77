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

    /// The instant `--as-of` names: a day (`YYYY-MM-DD`: its end, so the last backup of
    /// that day counts) or a time (`YYYY-MM-DDTHH:MM[:SS]`, local; with `Z` or an
    /// offset such as `+02:00`, as the listings print it).
    static func instant(_ text: String, option: String) throws -> Date {
        guard text.contains("T") else { return try endOfDay(text, option: option) }
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        let utc = text.hasSuffix("Z")
        formatter.timeZone = utc ? TimeZone(identifier: "UTC") : TimeZone.current
        let bare = utc ? String(text.dropLast()) : text
        for pattern in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm"] {
            formatter.dateFormat = pattern
            if let date = formatter.date(from: bare) { return date }
        }
        throw UsageError("invalid time for \(option): '\(text)' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], with Z or an offset for a zone other than the local one)")
    }
}
