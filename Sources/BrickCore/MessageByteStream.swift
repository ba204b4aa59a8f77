/// A message's raw bytes read piece by piece, for a message too large to hold in
/// memory (docs/DESIGN.md "Memory"): a source hands one to the store, the store hands
/// one to a restore target.
///
/// Contract: `read` fills the start of the buffer and returns the count, 0 only at
/// the end; the bytes read from the start to the end number exactly `size`, or a read
/// throws. A reader that finds the bytes damaged or changed throws, at the latest from
/// the read that would return 0, so a consumer commits nothing before that read.
/// `rewind` starts again from the first byte (a write that must be retried). One
/// consumer at a time.
public protocol MessageByteStream: AnyObject, Sendable {
    /// The bytes the stream yields from start to end.
    var size: UInt64 { get }
    /// Reads the next bytes into `buffer`; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Goes back to the first byte.
    func rewind() throws
}

extension MessageByteStream {
    /// At most `limit` bytes from the start (for a header summary), then rewinds.
    public func prefix(_ limit: Int) throws -> [UInt8] {
        try rewind()
        var out = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < limit {
            let count = try out.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            if count == 0 { break }
            filled += count
        }
        out.removeSubrange(filled...)
        try rewind()
        return out
    }

    /// Calls `body` with each piece of the whole stream in order, from the start, in
    /// pieces of at most `chunkSize` bytes.
    public func forEachChunk(chunkSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try rewind()
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try read(into: $0) }
            if count == 0 { return }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    /// The whole stream in memory: only for a consumer that cannot take it in pieces.
    public func readAll() throws -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Int(clamping: size))
        try forEachChunk { out.append(contentsOf: $0) }
        return out
    }
}
