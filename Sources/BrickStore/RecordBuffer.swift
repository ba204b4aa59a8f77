import Foundation

/// A buffer a user store's item files seal records into before Berkeley DB copies them
/// into its pages (docs/DESIGN.md "Encryption at rest"): one allocation reused from
/// record to record instead of a fresh array of each sealed record's size. It keeps at
/// most `keptCapacity` bytes between records; a larger record (a message up to 16 MiB
/// stored whole) gets a buffer of its own, freed after it, and so does a record sealed
/// while another holds the buffer (writers on several threads never wait for it).
final class RecordBuffer: @unchecked Sendable {
    /// The largest buffer kept between records: a whole segment record (4 MiB) sealed.
    static let keptCapacity = SegmentKey.segmentSize + ValueSeal.overhead

    private let lock = NSLock()
    private var storage: UnsafeMutableRawBufferPointer?

    init() {}

    deinit { storage?.deallocate() }

    /// Calls `body` with a buffer of exactly `count` bytes, uninitialized, valid only
    /// during the call.
    func with<T>(count: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> T) rethrows -> T {
        guard count <= RecordBuffer.keptCapacity, lock.try() else {
            let own = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
            defer { own.deallocate() }
            return try body(own)
        }
        defer { lock.unlock() }
        if let storage, storage.count >= count {
            return try body(UnsafeMutableRawBufferPointer(rebasing: storage[0..<count]))
        }
        storage?.deallocate()
        // Grows by at least half, so a run of slightly larger records reallocates rarely.
        let capacity = min(RecordBuffer.keptCapacity, max(count, (storage?.count ?? 0) * 3 / 2, 64 * 1024))
        let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        storage = grown
        return try body(UnsafeMutableRawBufferPointer(rebasing: grown[0..<count]))
    }
}
