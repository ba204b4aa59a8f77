/// A set of UIDs or sequence numbers (RFC 9051 `sequence-set`), kept as sorted,
/// merged ranges. `*` parses as `UInt32.max`.
struct UIDSet: Equatable, Sendable, CustomStringConvertible {
    /// Sorted, non-overlapping, non-adjacent ranges.
    private(set) var ranges: [ClosedRange<UInt32>] = []

    /// The empty set.
    init() {}

    /// A set of the given numbers.
    init<S: Sequence>(_ values: S) where S.Element == UInt32 {
        for value in values.sorted() { insert(value...value) }
    }

    /// A set of the given ranges.
    init(ranges: [ClosedRange<UInt32>]) {
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) { insert(range) }
    }

    /// True when the set holds nothing.
    var isEmpty: Bool { ranges.isEmpty }

    /// The number of values (ranges ending in `*` count up to `UInt32.max`).
    var count: Int { ranges.reduce(0) { $0 + Int($1.upperBound - $1.lowerBound) + 1 } }

    /// True when `value` is in the set.
    func contains(_ value: UInt32) -> Bool {
        ranges.contains { $0.contains(value) }
    }

    /// Every value, in order; do not call on a set ending in `*`.
    var values: [UInt32] { ranges.flatMap { Array($0) } }

    /// Adds a range, merging with neighbours.
    mutating func insert(_ range: ClosedRange<UInt32>) {
        var merged = range
        var kept: [ClosedRange<UInt32>] = []
        for existing in ranges {
            let touches = existing.lowerBound <= (merged.upperBound == .max ? .max : merged.upperBound + 1)
                && merged.lowerBound <= (existing.upperBound == .max ? .max : existing.upperBound + 1)
            if touches {
                merged = min(existing.lowerBound, merged.lowerBound)...max(existing.upperBound, merged.upperBound)
            } else {
                kept.append(existing)
            }
        }
        kept.append(merged)
        ranges = kept.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// The wire form, e.g. `1:3,7,9:*`.
    var description: String {
        ranges.map { range in
            let upper = range.upperBound == .max ? "*" : String(range.upperBound)
            return range.lowerBound == range.upperBound ? upper : "\(range.lowerBound):\(upper)"
        }.joined(separator: ",")
    }
}

extension ParseBuffer {
    /// A `sequence-set`: `1:3,7,9:*`.
    mutating func uidSet() throws(ParseError) -> UIDSet {
        var set = UIDSet()
        repeat {
            let first = try setValue()
            if consume(UInt8(ascii: ":")) {
                let second = try setValue()
                set.insert(min(first, second)...max(first, second))
            } else {
                set.insert(first...first)
            }
        } while consume(UInt8(ascii: ","))
        return set
    }

    private mutating func setValue() throws(ParseError) -> UInt32 {
        if consume(UInt8(ascii: "*")) { return .max }
        return try number(UInt32.self)
    }
}
