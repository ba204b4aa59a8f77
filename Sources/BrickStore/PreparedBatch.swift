import BrickCalendar
import BrickCore

/// A batch whose new items are hashed, compressed and parsed, ready for
/// `UserStore.commit(_:to:run:)`: made by `UserStore.prepare(_:for:)` without the
/// store's lock, so the next batch can be prepared while this one is written.
public struct PreparedBatch: @unchecked Sendable {
    /// The batch, its large items moved to `streamed` and the others, encoded in
    /// `items`, taken out of `added`.
    var batch: ChangeBatch
    /// The new items, encoded (their `raw` emptied: the value holds the bytes).
    var items: [PreparedItem]
    /// What the catalog keeps of large calendar and contact items.
    var largeDAVSummaries: [ItemKey: DAVItemSummary]
    /// Whether the store indexed the items' text when they were prepared.
    var indexText: Bool
}
