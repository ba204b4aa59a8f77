import Foundation

/// HTTP dates (RFC 9110 §5.6.7), as Last-Modified carries them.
enum HTTPDate {
    /// The date of an IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`, nil when
    /// absent or unreadable.
    static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
