/// Keys of the segment records that hold the LZ4 frame of a large item
/// (docs/FORMAT.md §3, body kind 2).
///
/// Segment `i` of the item with key `K` is stored under `K`'s UTF-8 bytes, a 0x00 byte
/// and `i` as a big-endian UInt32, and holds the frame's bytes from `i × segmentSize`
/// (each segment `segmentSize` bytes but the last, which is not empty). Item keys
/// never contain NUL, so no item key is a segment key, and in the btree's byte order
/// an item's segments follow its own record in index order, before any other key.
public enum SegmentKey {
    /// Format constant: frame bytes per segment record, 4 MiB (FORMAT.md §3). A record
    /// of this size is written and read whole in bounded memory (256 pages of 16 KiB).
    public static let segmentSize = 4 << 20

    /// The key of segment `index` of the item whose key has UTF-8 bytes `item`.
    public static func key(item: [UInt8], index: UInt32) -> [UInt8] {
        var out = item
        out.reserveCapacity(item.count + 5)
        out.append(0)
        withUnsafeBytes(of: index.bigEndian) { out.append(contentsOf: $0) }
        return out
    }

    /// The item key bytes and index of a segment key; nil for an item key. A key with
    /// a NUL but not four bytes after it gets index `UInt32.max`, which no item uses.
    public static func parse(_ key: [UInt8]) -> (item: [UInt8], index: UInt32)? {
        guard let nul = key.firstIndex(of: 0) else { return nil }
        guard key.count == nul + 5 else { return (Array(key[..<nul]), UInt32.max) }
        var index: UInt32 = 0
        for byte in key[(nul + 1)...] { index = index << 8 | UInt32(byte) }
        return (Array(key[..<nul]), index)
    }

    /// The number of segments a frame of `frameLength` bytes takes, for any length a
    /// damaged header may give (rounding up without adding, which could overflow).
    public static func segmentCount(frameLength: UInt64) -> UInt64 {
        let (whole, rest) = frameLength.quotientAndRemainder(dividingBy: UInt64(segmentSize))
        return rest == 0 ? whole : whole + 1
    }
}
