import Foundation
import Glibc

/// Reads the values of a Berkeley DB btree file straight from a mapping of its pages
/// (docs/DESIGN.md, "Direct reads"), for a reader of most of a file that knows nothing
/// writes it meanwhile and that its cached pages are written (a full export, under the
/// store's writer lock, after `Database.sync`). No page is copied into Berkeley DB's
/// cache and no lock of the library is taken: a search follows the internal pages from
/// the root as `DB->get` does, checks each page's checksum (once) and number, and
/// hands the value over as the slices of the mapping that hold it (`MappedValue`), on
/// its leaf page or along its overflow chain, or copies it out once.
///
/// Whatever it cannot read for sure it answers nil for: a page whose checksum or number
/// is wrong, a page or item of a kind it does not expect, a deleted entry, a key that is
/// not there, a window of the file that cannot be mapped. The caller then asks Berkeley
/// DB, which reads and reports as always, so damage is found and named the same way.
/// Files it does not read at all (no page checksums, encrypted, duplicates, sub-databases,
/// compression, another byte order or version) are refused when it is made.
public final class DirectBtreeReader: @unchecked Sendable {
    /// `DB_BTREEMAGIC` and the btree version Berkeley DB 5.3 writes.
    private static let btreeMagic: UInt32 = 0x053162
    private static let btreeVersion: UInt32 = 9
    /// `BTM_DUP | BTM_RECNO | BTM_SUBDB | BTM_DUPSORT | BTM_COMPRESS`: layouts this
    /// reader does not follow.
    private static let unsupportedFlags: UInt32 = 0x001 | 0x002 | 0x020 | 0x040 | 0x080
    /// More levels than a btree of 2^32 pages can have: a search deeper than this is
    /// following a loop of damaged pages.
    private static let maximumDepth = 32

    /// Bytes of the file mapped at a time: a multiple of every page size Berkeley DB
    /// allows (64 KiB). Values handed on keep their windows mapped, so smaller windows
    /// hold less memory; below 2 MB, mapping them costs more than it saves.
    public static let windowSize = 2 << 20

    /// Windows mapped at a time past which values are handed over copied: values read
    /// out of key order (an IMAP store's keys, `UIDVALIDITY.UID` in text order) would
    /// otherwise hold a window each while on their way.
    public static let mappedWindowLimit = 16

    private let descriptor: Int32
    private let windows: MappedWindows
    private let mappedWindowLimit: Int
    private let pageSize: Int
    private let root: UInt32
    private let lock = NSLock()
    /// Pages whose checksum was found right, one bit per page (guarded by `lock`).
    private var checked: [UInt64]
    private var answers = 0
    private var declines = 0

    /// Opens `path` for direct reads, mapping `windowSize` bytes at a time, `keptWindows`
    /// kept and values copied past `mappedWindowLimit` windows mapped; nil when it is not
    /// a file this reader reads (see above) or cannot be opened.
    public init?(
        path: String, windowSize: Int = DirectBtreeReader.windowSize, keptWindows: Int = 4,
        mappedWindowLimit: Int = DirectBtreeReader.mappedWindowLimit
    ) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        var status = stat()
        var metadata = [UInt8](repeating: 0, count: BtreePage.metadataSize)
        let read = metadata.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard fstat(descriptor, &status) == 0, read == metadata.count,
              let layout = DirectBtreeReader.layout(metadata, fileSize: Int(status.st_size)),
              windowSize > 0, windowSize % layout.pageSize == 0
        else {
            close(descriptor)
            return nil
        }
        pageSize = layout.pageSize
        root = layout.root
        self.mappedWindowLimit = mappedWindowLimit
        let pages = Int(status.st_size) / layout.pageSize
        checked = [UInt64](repeating: 0, count: (pages + 63) / 64)
        windows = MappedWindows(descriptor: descriptor, fileSize: pages * layout.pageSize, windowSize: windowSize, kept: keptWindows)
    }

    deinit {
        windows.release()
        close(descriptor)
    }

    /// Values answered from the pages and searches declined (left to Berkeley DB).
    public var counts: (answered: Int, declined: Int) { lock.withLock { (answers, declines) } }

    /// The value stored under `key`, copied out of the file's pages; nil when the key is
    /// not found or the pages cannot be read for sure: ask Berkeley DB then.
    public func value(for key: [UInt8]) -> [UInt8]? { mappedValue(for: key)?.bytes }

    /// The value stored under `key` as slices of the file's mapped pages, not copied,
    /// or copied once when more than `mappedWindowLimit` windows are mapped (values
    /// handed on and not yet let go of hold theirs); nil when the key is not found or
    /// the pages cannot be read for sure.
    public func mappedValue(for key: [UInt8]) -> MappedValue? {
        var found = key.withUnsafeBytes { search($0) }
        if found != nil, windows.mappedCount > mappedWindowLimit { found = found?.copied() }
        lock.withLock { if found == nil { declines += 1 } else { answers += 1 } }
        return found
    }

    /// Windows of the file mapped now: those kept and those values handed on still hold.
    public var mappedWindowCount: Int { windows.mappedCount }

    /// Lets go of the mapped windows (a reader done with the file; later reads map again).
    public func releaseWindows() { windows.release() }

    /// The page size and root of a file whose metadata page is `metadata`, nil when the
    /// file is not one this reader reads.
    private static func layout(_ metadata: [UInt8], fileSize: Int) -> (pageSize: Int, root: UInt32)? {
        metadata.withUnsafeBytes { bytes in
            let page = BtreePage(bytes: bytes)
            let pageSize = Int(page.u32(20))
            let root = page.u32(88)
            guard page.kind == .metadata, page.u32(12) == btreeMagic, page.u32(16) == btreeVersion,
                  bytes[24] == 0, bytes[26] & 0x01 != 0, page.u32(48) & unsupportedFlags == 0,
                  pageSize >= 512, pageSize <= 65536, pageSize & (pageSize - 1) == 0,
                  root > 0, Int(root) < fileSize / pageSize, page.hasValidChecksum
            else { return nil }
            return (pageSize, root)
        }
    }

    private func search(_ key: UnsafeRawBufferPointer) -> MappedValue? {
        var number = root
        for _ in 0..<DirectBtreeReader.maximumDepth {
            let step: Step? = withPage(number) { page, window in
                switch page.kind {
                case .internal:
                    return DirectBtreeReader.childIndex(in: page, for: key).flatMap(page.child(at:)).map(Step.descend)
                case .leaf:
                    switch DirectBtreeReader.entryIndex(in: page, of: key).flatMap(page.item(at:)) {
                    case .bytes(let bytes)?:
                        var value = MappedValue()
                        value.append(bytes, of: window)
                        return .value(value)
                    case .overflow(let first, let length)?: return .overflow(first: first, length: length)
                    case nil: return nil
                    }
                default:
                    return nil
                }
            }
            switch step {
            case .descend(let child)?: number = child
            case .value(let value)?: return value
            case .overflow(let first, let length)?: return overflowValue(first: first, length: length)
            case nil: return nil
            }
        }
        return nil
    }

    /// Where a search goes from a page: to a child, or to its key's value, on the page
    /// or in its overflow chain.
    private enum Step {
        case descend(UInt32)
        case value(MappedValue)
        case overflow(first: UInt32, length: Int)
    }

    /// The entry of an internal page whose child holds `key`: the last one whose
    /// separator is not above it (the first entry's separator counts as below all keys).
    private static func childIndex(in page: BtreePage, for key: UnsafeRawBufferPointer) -> Int? {
        var low = 1
        var high = page.entryCount
        while low < high {
            let middle = (low + high) / 2
            guard let separator = page.key(at: middle) else { return nil }
            if compare(separator, key) <= 0 { low = middle + 1 } else { high = middle }
        }
        return page.entryCount > 0 ? low - 1 : nil
    }

    /// The index of the data item of `key` on a leaf page (keys and data items
    /// alternate), nil when the key is not there.
    private static func entryIndex(in page: BtreePage, of key: UnsafeRawBufferPointer) -> Int? {
        var low = 0
        var high = page.entryCount / 2
        while low < high {
            let middle = (low + high) / 2
            guard let found = page.key(at: 2 * middle) else { return nil }
            let order = compare(found, key)
            if order == 0 { return 2 * middle + 1 }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// Berkeley DB's default key order (`__bam_defcmp`): bytes compared as unsigned,
    /// then the shorter first.
    private static func compare(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int {
        let common = min(left.count, right.count)
        if common > 0, let a = left.baseAddress, let b = right.baseAddress {
            let order = memcmp(a, b, common)
            if order != 0 { return Int(order) }
        }
        return left.count - right.count
    }

    /// The `length` bytes of the overflow chain starting at page `first`.
    private func overflowValue(first: UInt32, length: Int) -> MappedValue? {
        guard length >= 0 else { return nil }
        var value = MappedValue()
        var number = first
        // Each page holds at least one byte, so a chain longer than that loops.
        while value.count < length, number != 0, let next = withPage(number, { page, window -> UInt32? in
            guard let bytes = page.overflowBytes, !bytes.isEmpty, bytes.count <= length - value.count else { return nil }
            value.append(bytes, of: window)
            return page.nextPage
        }) {
            number = next
        }
        return value.count == length && number == 0 ? value : nil
    }

    /// Calls `body` with page `number`, read in place, and the window holding it, once
    /// the page's number and checksum are found right; nil when they are not or its
    /// window cannot be mapped.
    private func withPage<T>(_ number: UInt32, _ body: (BtreePage, MappedWindows.Window) -> T?) -> T? {
        let offset = Int(number) * pageSize
        guard let window = windows.window(at: offset) else { return nil }
        let start = offset - window.start
        let page = BtreePage(bytes: UnsafeRawBufferPointer(rebasing: window.bytes[start..<(start + pageSize)]))
        guard page.number == number, isChecked(page) else { return nil }
        return body(page, window)
    }

    /// Whether the page's checksum is right, computed on its first visit only.
    private func isChecked(_ page: BtreePage) -> Bool {
        let word = Int(page.number) / 64
        let bit = UInt64(1) << (UInt64(page.number) % 64)
        if lock.withLock({ checked[word] & bit != 0 }) { return true }
        guard page.hasValidChecksum else { return false }
        lock.withLock { checked[word] |= bit }
        return true
    }
}
