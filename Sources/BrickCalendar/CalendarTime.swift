/// The range of times a calendar summary holds, and arithmetic that stays inside it:
/// a hostile object (`COUNT=9223372036854775807`, `DURATION:P99999999999999999999D`)
/// gives an end cut to the range, never an overflow.
enum CalendarTime {
    /// Format constant: 0001-01-01T00:00:00 UTC in seconds since 1970.
    static let earliest = -62_135_596_800
    /// Format constant: 9999-12-31T23:59:59 UTC in seconds since 1970.
    static let latest = 253_402_300_799

    /// `seconds` cut to the range.
    static func clamped(_ seconds: Int) -> Int { min(max(seconds, earliest), latest) }
}

extension Int {
    /// The sum, or `Int.max`/`Int.min` where it would overflow.
    func saturatingAdding(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// The product, or `Int.max`/`Int.min` where it would overflow.
    func saturatingMultiplied(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }
}
