import Foundation

/// Durations on the command line: a number with a unit, `s`, `m`, `h`, `d` or `w`
/// (`26h`, `2d`, `90m`); a bare number is seconds.
enum DurationArgument {
    /// The duration in seconds.
    static func seconds(_ text: String, option: String) throws -> Double {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var number = Substring(text.trimmingCharacters(in: .whitespaces))
        var unit = 1.0
        if let last = number.last, let factor = units[last] {
            unit = factor
            number = number.dropLast()
        }
        guard let value = Double(number), value >= 0, value.isFinite else {
            throw UsageError("invalid duration for \(option): '\(text)' (e.g. 26h, 2d, 90m or seconds)")
        }
        return value * unit
    }
}
