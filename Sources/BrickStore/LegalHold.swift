import Foundation

/// A legal hold on a user's store: while it is active, purge removes none of the items
/// it covers (docs/DESIGN.md "Legal hold"). Without a sender or a period it covers the
/// whole mailbox, settings included.
public struct LegalHold: Sendable, Hashable {
    /// The hold's id in the store.
    public var id: Int64
    /// Why (a case name, a ticket).
    public var reason: String
    /// Only items from this address (lowercased) or `@domain`.
    public var sender: String?
    /// Only items received on or after this time.
    public var periodBegin: Date?
    /// Only items received before this time.
    public var periodEnd: Date?
    /// The hold ends by itself at this time; nil: until removed.
    public var until: Date?
    /// When it was placed.
    public var since: Date
    /// When it was removed, if it was.
    public var removedAt: Date?

    /// A hold to place.
    public init(reason: String, sender: String? = nil, periodBegin: Date? = nil, periodEnd: Date? = nil, until: Date? = nil) {
        self.id = 0
        self.reason = reason
        self.sender = sender?.lowercased()
        self.periodBegin = periodBegin
        self.periodEnd = periodEnd
        self.until = until
        self.since = Date()
    }

    /// True when it covers every item.
    public var coversEverything: Bool { sender == nil && periodBegin == nil && periodEnd == nil }

    /// True when it is in force at `date`: not removed and not past its end.
    public func isActive(at date: Date = Date()) -> Bool {
        removedAt == nil && (until.map { $0 > date } ?? true)
    }

    /// What it covers, in words: "everything", "from @example.com, 2025-01-01 to 2025-03-31".
    public var scope: String {
        var parts: [String] = []
        if let sender { parts.append("from \(sender)") }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        if periodBegin != nil || periodEnd != nil {
            parts.append("received \(periodBegin.map(formatter.string) ?? "…") to \(periodEnd.map { formatter.string(from: $0.addingTimeInterval(-1)) } ?? "…")")
        }
        return parts.isEmpty ? "everything" : parts.joined(separator: ", ")
    }
}
