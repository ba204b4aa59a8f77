/// Bytes a bundle writer takes without copying them: memory it does not own, kept
/// valid and unchanged by `owner` for as long as the writer holds it (the pages of a
/// file mapped read-only, for a full export). The writer's thread hashes and writes
/// them, then lets go of the owner.
public struct BorrowedBytes: @unchecked Sendable {
    /// The bytes.
    public let bytes: UnsafeRawBufferPointer
    /// What keeps `bytes` valid while it is held.
    public let owner: AnyObject

    /// Bytes kept valid by `owner` while it is held; they must not change meanwhile.
    public init(_ bytes: UnsafeRawBufferPointer, keptBy owner: AnyObject) {
        self.bytes = bytes
        self.owner = owner
    }
}

/// A piece of a record's payload as its producer hands it to `BundleWriter`: bytes of
/// its own, or borrowed ones.
public enum PayloadChunk {
    /// Bytes handed over.
    case bytes([UInt8])
    /// Bytes lent until the writer's thread has written them.
    case borrowed(BorrowedBytes)

    /// Bytes of the chunk.
    public var count: Int {
        switch self {
        case .bytes(let bytes): bytes.count
        case .borrowed(let borrowed): borrowed.bytes.count
        }
    }
}
