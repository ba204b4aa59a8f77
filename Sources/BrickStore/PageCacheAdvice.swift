import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What `FileReadAhead` asks of the kernel's page cache for a range of an open file:
/// the kernel's calls, or a test's record of them.
struct PageCacheAdvice: Sendable {
    /// Brings the range into the page cache.
    var fill: @Sendable (_ descriptor: Int32, _ file: Int, _ offset: Int64, _ length: Int64) -> Void
    /// Drops the range's clean pages from the page cache (`POSIX_FADV_DONTNEED`).
    var drop: @Sendable (_ descriptor: Int32, _ file: Int, _ offset: Int64, _ length: Int64) -> Void
    /// Whether half of the range's pages or more are in the page cache.
    var isCached: @Sendable (_ descriptor: Int32, _ file: Int, _ offset: Int64, _ length: Int64) -> Bool

    /// The kernel's page cache.
    static let kernel = PageCacheAdvice(fill: { descriptor, _, offset, length in
        fillMapped(descriptor, offset: offset, length: length)
    }, drop: { descriptor, _, offset, length in
        _ = posix_fadvise(descriptor, off_t(offset), off_t(length), POSIX_FADV_DONTNEED)
    }, isCached: { descriptor, _, offset, length in
        withMapping(descriptor, offset: offset, length: length) { map, count in
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            var resident = [UInt8](repeating: 0, count: (count + page - 1) / page)
            return mincore(map, count, &resident) == 0 && resident.reduce(0) { $0 + Int($1 & 1) } * 2 >= resident.count
        } ?? false
    })

    /// Fills the range through a mapping of it (`MADV_POPULATE_READ`): the kernel reads
    /// it with its sequential read-ahead, in large folios as a `cat` gets, where
    /// `POSIX_FADV_WILLNEED` fills one 4 KiB page at a time. Populating returns an I/O
    /// error instead of raising SIGBUS, and the mapping is never touched, so a bad disk
    /// fails only the reader's own read, which reports it. Where mapping or populating
    /// is not supported, asks with `POSIX_FADV_WILLNEED`.
    static func fillMapped(_ descriptor: Int32, offset: Int64, length: Int64) {
        let populated = withMapping(descriptor, offset: offset, length: length) { map, count in
            madvise(map, count, MADV_POPULATE_READ) == 0 || errno != EINVAL
        }
        if populated != true {
            _ = posix_fadvise(descriptor, off_t(offset), off_t(length), POSIX_FADV_WILLNEED)
        }
    }

    /// Calls `body` with a read-only shared mapping of the pages holding the range (its
    /// start rounded down to a page) and the mapping's length, never touched, and unmaps
    /// it; nil when the range is empty or cannot be mapped.
    static func withMapping<T>(
        _ descriptor: Int32, offset: Int64, length: Int64, _ body: (UnsafeMutableRawPointer, Int) -> T
    ) -> T? {
        let page = Int64(sysconf(Int32(_SC_PAGESIZE)))
        let start = offset / page * page
        let count = Int(offset + length - start)
        guard descriptor >= 0, length > 0,
              let map = mmap(nil, count, PROT_READ, MAP_SHARED, descriptor, off_t(start)), map != MAP_FAILED
        else { return nil }
        defer { munmap(map, count) }
        return body(map, count)
    }
}
