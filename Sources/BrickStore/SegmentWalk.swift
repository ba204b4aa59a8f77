/// Tells item records from segment records in a walk of an item file in key order
/// (docs/FORMAT.md §3): an item's segments follow its own record, so a segment
/// belongs to the item record just before it when that record says it has one at its
/// index; any other segment record is stranded (its item's record is gone or was
/// rewritten with fewer segments), an orphan.
struct SegmentWalk {
    /// What one record is.
    enum Record {
        /// An item's own record.
        case item
        /// A segment of the item record before it.
        case segment
        /// A segment no item record claims.
        case stranded(item: [UInt8], index: UInt32)
    }

    private var lastKey: [UInt8] = []
    private var lastCount: UInt32 = 0

    /// Classifies the next record of the walk.
    mutating func classify(key: [UInt8], value: [UInt8]) -> Record {
        guard let (item, index) = SegmentKey.parse(key) else {
            lastKey = key
            if case .segmented(_, let count)? = try? ItemValue.decodeHeader(value).1 {
                lastCount = count
            } else {
                lastCount = 0
            }
            return .item
        }
        return item == lastKey && index < lastCount ? .segment : .stranded(item: item, index: index)
    }

    /// Takes the item record `key` that could not be read (a sealed record that does not
    /// open): every segment record after it under its key is counted as its own, not
    /// stranded, since its count is unknown.
    mutating func unreadableItem(key: [UInt8]) {
        lastKey = key
        lastCount = UInt32.max
    }

    /// Classifies the next record when its value could not be read: an item record as
    /// `unreadableItem`, a segment by its key alone.
    mutating func classify(key: [UInt8], unreadable _: Void) -> Record {
        guard let (item, index) = SegmentKey.parse(key) else {
            unreadableItem(key: key)
            return .item
        }
        return item == lastKey && index < lastCount ? .segment : .stranded(item: item, index: index)
    }

    /// How a stranded segment is named in reports.
    static func name(item: [UInt8], index: UInt32) -> String {
        "\(String(decoding: item, as: UTF8.self)) segment \(index)"
    }
}
