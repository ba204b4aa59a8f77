import Foundation

/// One message fetched from a source, with everything the store keeps of it.
public struct SourceItem: Sendable {
    /// The item's stable key within its folder.
    public var key: ItemKey
    /// Flags and keywords as upstream has them.
    public var flags: ItemFlags
    /// The internal (received) date: IMAP INTERNALDATE, or a Maildir file's mtime.
    public var internalDate: Date
    /// The upstream UID, where there is one.
    public var uid: UInt32?
    /// The upstream MODSEQ, where there is one.
    public var modSeq: UInt64?
    /// The raw RFC 5322 bytes, exactly as upstream holds them.
    public var raw: [UInt8]

    /// Creates an item.
    public init(
        key: ItemKey, flags: ItemFlags, internalDate: Date, uid: UInt32? = nil,
        modSeq: UInt64? = nil, raw: [UInt8]
    ) {
        self.key = key
        self.flags = flags
        self.internalDate = internalDate
        self.uid = uid
        self.modSeq = modSeq
        self.raw = raw
    }
}

/// A flag change on an item the store already holds: only the catalog changes.
public struct FlagChange: Sendable, Hashable {
    /// The item.
    public var key: ItemKey
    /// Its flags now.
    public var flags: ItemFlags
    /// Its MODSEQ now, where the source has one.
    public var modSeq: UInt64?

    /// Creates a flag change.
    public init(key: ItemKey, flags: ItemFlags, modSeq: UInt64? = nil) {
        self.key = key
        self.flags = flags
        self.modSeq = modSeq
    }
}
