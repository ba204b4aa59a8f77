import Foundation

/// Which bundles of a chain to keep as restorable points: the newest, the last N, and
/// the newest of each of the last N days, ISO weeks and months (UTC), as restic's
/// `forget` counts them. Bundles not kept are folded into the next kept one.
public struct BundleRetention: Sendable, Equatable {
    /// The newest bundles to keep whatever their dates.
    public var last: Int
    /// Days to keep one point of.
    public var daily: Int
    /// Weeks to keep one point of.
    public var weekly: Int
    /// Months to keep one point of.
    public var monthly: Int

    /// Creates a policy.
    public init(last: Int = 1, daily: Int, weekly: Int, monthly: Int) {
        self.last = last
        self.daily = daily
        self.weekly = weekly
        self.monthly = monthly
    }

    /// The sequences to keep among bundles created at the given times; the newest
    /// (highest sequence) is always kept.
    public func kept(_ bundles: [(sequence: UInt64, createdAt: Date)]) -> Set<UInt64> {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let newestFirst = bundles.sorted { $0.sequence > $1.sequence }
        var kept: Set<UInt64> = []
        if let newest = newestFirst.first { kept.insert(newest.sequence) }
        for bundle in newestFirst.prefix(max(0, last)) { kept.insert(bundle.sequence) }
        let buckets: [(Int, (Date) -> String)] = [
            (daily, { date in let c = calendar.dateComponents([.year, .month, .day], from: date); return "\(c.year!)-\(c.month!)-\(c.day!)" }),
            (weekly, { date in let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date); return "\(c.yearForWeekOfYear!)-W\(c.weekOfYear!)" }),
            (monthly, { date in let c = calendar.dateComponents([.year, .month], from: date); return "\(c.year!)-\(c.month!)" }),
        ]
        for (count, bucket) in buckets where count > 0 {
            var seen: Set<String> = []
            for bundle in newestFirst {
                let name = bucket(bundle.createdAt)
                guard !seen.contains(name) else { continue }
                seen.insert(name)
                kept.insert(bundle.sequence)
                if seen.count == count { break }
            }
        }
        return kept
    }
}
