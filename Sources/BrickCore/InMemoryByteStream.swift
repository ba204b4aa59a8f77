/// A message's bytes already in memory, read as a `MessageByteStream`: a large message
/// a source could only receive whole (an IMAP literal) still goes into the store in
/// segments, without the compressed copies a whole value would add.
public final class InMemoryByteStream: MessageByteStream, @unchecked Sendable {
    /// The bytes.
    public let bytes: [UInt8]
    private var offset = 0

    /// Creates a stream over `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var size: UInt64 { UInt64(bytes.count) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }

    public func rewind() throws { offset = 0 }
}
