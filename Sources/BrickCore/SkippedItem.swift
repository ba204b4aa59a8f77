/// An item a source saw upstream but could not report with its bytes (an IMAP FETCH
/// answered without a body, a file that cannot be read). The source keeps its token
/// from moving past it, so the next run asks again; the run reports it.
public struct SkippedItem: Sendable, Hashable {
    /// The item's key.
    public var key: ItemKey
    /// Why it was skipped, in a few words.
    public var reason: String

    /// Creates a skipped item.
    public init(key: ItemKey, reason: String) {
        self.key = key
        self.reason = reason
    }
}
