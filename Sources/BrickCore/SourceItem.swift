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
    /// The server's EMAILID (RFC 8474), where it has one: the same for every copy of
    /// the message, in any folder.
    public var emailID: String?

    /// Creates an item.
    public init(
        key: ItemKey, flags: ItemFlags, internalDate: Date, uid: UInt32? = nil,
        modSeq: UInt64? = nil, raw: [UInt8], emailID: String? = nil
    ) {
        self.key = key
        self.flags = flags
        self.internalDate = internalDate
        self.uid = uid
        self.modSeq = modSeq
        self.raw = raw
        self.emailID = emailID
    }
}

/// A new item whose bytes the store already holds: the server gives it the EMAILID
/// (RFC 8474) of an item backed up before, so it is a copy or a move of that message
/// and is recorded without downloading it again.
public struct CopiedItem: Sendable, Hashable {
    /// The item's key within its folder.
    public var key: ItemKey
    /// Flags and keywords as upstream has them.
    public var flags: ItemFlags
    /// The internal date of this copy.
    public var internalDate: Date
    /// The upstream UID.
    public var uid: UInt32?
    /// The upstream MODSEQ.
    public var modSeq: UInt64?
    /// The EMAILID it shares with an item in the store.
    public var emailID: String

    /// Creates a copied item.
    public init(key: ItemKey, flags: ItemFlags, internalDate: Date, uid: UInt32?, modSeq: UInt64?, emailID: String) {
        self.key = key
        self.flags = flags
        self.internalDate = internalDate
        self.uid = uid
        self.modSeq = modSeq
        self.emailID = emailID
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
