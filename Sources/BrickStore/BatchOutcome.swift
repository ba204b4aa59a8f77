/// What committing one batch changed.
public struct BatchOutcome: Sendable, Hashable {
    /// Items new in the store (or back after being marked deleted).
    public var added = 0
    /// Items whose flags changed.
    public var updated = 0
    /// Items newly marked deleted.
    public var deleted = 0
    /// Raw bytes of the added items.
    public var bytes: Int64 = 0
    /// Calendar and contact items kept as served though they do not parse, one line
    /// each (folder, key, reasons).
    public var notes: [String] = []
    /// The calendar and contact items among those counted above, by kind.
    public var dav = DAVChangeCounts()

    /// An outcome with nothing changed.
    public init() {}
}
