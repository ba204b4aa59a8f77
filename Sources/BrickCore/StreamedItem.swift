import Foundation

/// A new message too large to hold in memory: the store reads its bytes from `body`
/// while it hashes, compresses and writes them (docs/FORMAT.md §3, body kind 2).
/// Sources hand a message over this way when it is larger than `threshold`.
public struct StreamedItem: Sendable {
    /// Sources stream messages above this size (16 MiB); smaller ones travel as
    /// `SourceItem`s, whole.
    public static let threshold: UInt64 = 16 << 20

    /// The item's stable key within its folder.
    public var key: ItemKey
    /// Flags and keywords as upstream has them.
    public var flags: ItemFlags
    /// The internal (received) date.
    public var internalDate: Date
    /// The upstream UID, where there is one.
    public var uid: UInt32?
    /// The upstream MODSEQ, where there is one.
    public var modSeq: UInt64?
    /// The raw RFC 5322 bytes, read piece by piece; the stream is kept open until the
    /// batch carrying it is released.
    public var body: any MessageByteStream
    /// The server's EMAILID (RFC 8474), where it has one.
    public var emailID: String?

    /// Creates an item.
    public init(
        key: ItemKey, flags: ItemFlags, internalDate: Date, uid: UInt32? = nil, modSeq: UInt64? = nil,
        body: any MessageByteStream, emailID: String? = nil
    ) {
        self.key = key
        self.flags = flags
        self.internalDate = internalDate
        self.uid = uid
        self.modSeq = modSeq
        self.body = body
        self.emailID = emailID
    }
}
