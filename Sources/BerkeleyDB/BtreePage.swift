import CPageHash

/// One page of a Berkeley DB 5.3 btree file as a little-endian host writes it
/// (db_page.h), read in place for `DirectBtreeReader`: the header, the item index and
/// the three kinds of item a btree of unique keys holds. Every accessor checks its
/// bounds and answers nil for what lies outside the page, so a damaged page is refused,
/// never read past.
struct BtreePage {
    /// Page types (`P_IBTREE`, `P_LBTREE`, `P_OVERFLOW`, `P_BTREEMETA`).
    enum Kind: UInt8 {
        case `internal` = 3
        case leaf = 5
        case overflow = 7
        case metadata = 9
    }

    /// An item of a leaf page: bytes on the page, or the head of an overflow chain.
    enum Item {
        case bytes(UnsafeRawBufferPointer)
        case overflow(firstPage: UInt32, length: Int)
    }

    /// `SIZEOF_PAGE`: the header every page but the metadata page starts with.
    static let headerSize = 26
    /// Where a checksummed page keeps its checksum: `PG_CHKSUM`, two bytes of alignment
    /// then four of checksum, follows the header.
    static let checksumOffset = headerSize + 2
    /// `P_OVERHEAD` of a checksummed, unencrypted file: where the item index (or an
    /// overflow page's bytes) starts.
    static let overhead = checksumOffset + 4
    /// `DBMETASIZE`: the part of the metadata page its checksum covers.
    static let metadataSize = 512
    /// Where `BTMETA` keeps the metadata page's checksum.
    static let metadataChecksumOffset = 492

    /// Item types (`B_KEYDATA`, `B_OVERFLOW`). An item with the deleted mark
    /// (`B_DELETE`, 0x80) set matches neither, so it is never read.
    private static let keyData: UInt8 = 1
    private static let overflowItem: UInt8 = 3

    let bytes: UnsafeRawBufferPointer

    /// `PGNO`: the page's own number.
    var number: UInt32 { u32(8) }
    /// `NEXT_PGNO`: the next page of an overflow chain (0 after the last).
    var nextPage: UInt32 { u32(16) }
    /// `NUM_ENT`: entries in the item index.
    var entryCount: Int { Int(u16(20)) }
    /// `HOFFSET`, which on an overflow page is `OV_LEN`: its bytes in use.
    var overflowLength: Int { Int(u16(22)) }
    /// `TYPE`.
    var kind: Kind? { Kind(rawValue: bytes[25]) }

    /// Whether the page's checksum is right: Berkeley DB's hash of the page (of the
    /// metadata page's first 512 bytes) with the four checksum bytes counted as zero.
    var hasValidChecksum: Bool {
        let isMetadata = kind == .metadata
        let offset = isMetadata ? BtreePage.metadataChecksumOffset : BtreePage.checksumOffset
        let length = isMetadata ? BtreePage.metadataSize : bytes.count
        guard length <= bytes.count, offset + 4 <= length else { return false }
        // The hash is a sum of byte times 33^(bytes after it), so the stored bytes' share
        // is taken out instead of writing zeros into a page that is read in place.
        var hash = brick_page_hash(bytes.baseAddress, UInt32(length))
        for index in offset..<(offset + 4) {
            hash &-= UInt32(bytes[index]) &* BtreePage.power33(length - 1 - index)
        }
        return hash == u32(offset)
    }

    /// The key of entry `index` of a leaf page (even entries) or the separator of an
    /// internal page, nil when it is not plain bytes on the page (an overflow key, a
    /// deleted entry) or lies outside the page.
    func key(at index: Int) -> UnsafeRawBufferPointer? {
        guard let start = itemOffset(index) else { return nil }
        switch kind {
        case .leaf:
            guard start + 3 <= bytes.count, bytes[start + 2] == BtreePage.keyData else { return nil }
            return slice(start + 3, Int(u16(start)))
        case .internal:
            guard start + 12 <= bytes.count, bytes[start + 2] == BtreePage.keyData else { return nil }
            return slice(start + 12, Int(u16(start)))
        default:
            return nil
        }
    }

    /// The child page entry `index` of an internal page leads to.
    func child(at index: Int) -> UInt32? {
        guard kind == .internal, let start = itemOffset(index), start + 12 <= bytes.count else { return nil }
        return u32(start + 4)
    }

    /// The data item of leaf entry `index` (odd entries), nil when it is deleted, of
    /// another kind, or outside the page.
    func item(at index: Int) -> Item? {
        guard kind == .leaf, let start = itemOffset(index), start + 3 <= bytes.count else { return nil }
        switch bytes[start + 2] {
        case BtreePage.keyData:
            return slice(start + 3, Int(u16(start))).map(Item.bytes)
        case BtreePage.overflowItem:
            guard start + 12 <= bytes.count else { return nil }
            return .overflow(firstPage: u32(start + 4), length: Int(u32(start + 8)))
        default:
            return nil
        }
    }

    /// The bytes an overflow page holds.
    var overflowBytes: UnsafeRawBufferPointer? {
        guard kind == .overflow else { return nil }
        return slice(BtreePage.overhead, overflowLength)
    }

    /// Where entry `index`'s item starts, from the index after the header.
    private func itemOffset(_ index: Int) -> Int? {
        let slot = BtreePage.overhead + 2 * index
        guard index >= 0, index < entryCount, slot + 2 <= bytes.count else { return nil }
        let offset = Int(u16(slot))
        return offset >= slot + 2 && offset < bytes.count ? offset : nil
    }

    private func slice(_ start: Int, _ count: Int) -> UnsafeRawBufferPointer? {
        guard start + count <= bytes.count else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)])
    }

    func u16(_ offset: Int) -> UInt16 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self) }
    func u32(_ offset: Int) -> UInt32 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }

    /// 33^exponent modulo 2^32.
    static func power33(_ exponent: Int) -> UInt32 {
        var result: UInt32 = 1
        var base: UInt32 = 33
        var rest = exponent
        while rest > 0 {
            if rest & 1 == 1 { result &*= base }
            base &*= base
            rest >>= 1
        }
        return result
    }
}
