import Foundation

/// One message to put back, as the store returns it.
public struct RestoreItem: Sendable {
    /// The item's key in the backup.
    public var key: ItemKey
    /// Flags and keywords to restore.
    public var flags: ItemFlags
    /// The internal date to restore.
    public var internalDate: Date
    /// The Message-ID header's value, if any, for duplicate detection.
    public var messageID: String?
    /// The raw bytes, exactly as backed up.
    public var raw: [UInt8]

    /// Creates an item to restore.
    public init(key: ItemKey, flags: ItemFlags, internalDate: Date, messageID: String?, raw: [UInt8]) {
        self.key = key
        self.flags = flags
        self.internalDate = internalDate
        self.messageID = messageID
        self.raw = raw
    }
}

/// What identifies a message already at a target, so a restore run twice does not
/// duplicate mail: the Message-ID (or, without one, a digest of the raw bytes the
/// target computes) and the internal date to the second.
public struct MessageFingerprint: Hashable, Sendable {
    /// Message-ID, or `sha256:<hex>` of the bytes when there is none.
    public var identity: String
    /// The internal date in whole seconds since 1970.
    public var internalDate: Int64

    /// Creates a fingerprint.
    public init(identity: String, internalDate: Int64) {
        self.identity = identity
        self.internalDate = internalDate
    }
}

/// A place mail is restored into: an IMAP account, a Maildir, an mbox file, .eml files.
///
/// Contract: `prepareFolder` creates the folder when missing and is idempotent.
/// `existingFingerprints` lists what the folder holds now. `append` stores items with
/// their flags and internal dates and returns, per item, nil on success or the error.
/// `finish` flushes and closes; nothing is guaranteed durable before it returns.
public protocol RestoreTarget: Sendable {
    /// Creates `path` (and its parents) when missing.
    func prepareFolder(_ path: FolderPath, specialUse: SpecialUse?) async throws
    /// Fingerprints of the messages in `path` now.
    func existingFingerprints(in path: FolderPath) async throws -> Set<MessageFingerprint>
    /// Appends items to `path`; the result has one entry per item, nil when it landed.
    func append(_ items: [RestoreItem], to path: FolderPath) async throws -> [(any Error)?]
    /// Flushes and releases the target.
    func finish() async throws
}
