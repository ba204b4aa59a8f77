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
    /// The raw bytes, exactly as backed up; empty when `stream` holds them.
    public var raw: [UInt8]
    /// The bytes of a message too large to hold in memory, read piece by piece from
    /// the store; nil when `raw` holds them. A target writes them as they come and
    /// commits the message only after the last read (which throws on damage).
    public var stream: (any MessageByteStream)?

    /// The message's size in bytes, wherever its bytes are.
    public var size: Int { stream.map { Int(clamping: $0.size) } ?? raw.count }

    /// Creates an item to restore whose bytes are read from `stream`.
    public init(key: ItemKey, flags: ItemFlags, internalDate: Date, messageID: String?, stream: any MessageByteStream) {
        self.init(key: key, flags: flags, internalDate: internalDate, messageID: messageID, raw: [])
        self.stream = stream
    }

    /// The whole message in memory, for a target that cannot take it in pieces.
    public func wholeBytes() throws -> [UInt8] {
        try stream?.readAll() ?? raw
    }

    /// Creates an item to restore.
    public init(key: ItemKey, flags: ItemFlags, internalDate: Date, messageID: String?, raw: [UInt8]) {
        self.key = key
        self.flags = flags
        self.internalDate = internalDate
        self.messageID = messageID
        self.raw = raw
    }
}

/// What narrows the search for a message already at a target, so a restore run twice
/// does not duplicate mail: the Message-ID (or, without one, a digest of the raw bytes
/// the target computes) and the internal date to the second. Two different messages
/// can share both (a resent message, a forged Message-ID): the content digest of the
/// copies found this way (`RestoreTarget.contentDigests`) decides.
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

/// One message already at a target, as that target can find it again to remove it:
/// an IMAP UID with its UIDVALIDITY, a Maildir file name, the byte range of an mbox
/// entry, an .eml file. Only the target that listed it reads `locator`.
public struct ExistingCopy: Hashable, Sendable, CustomStringConvertible {
    /// The target's own notation for where the copy is.
    public var locator: String

    /// Creates a copy's locator.
    public init(locator: String) {
        self.locator = locator
    }

    /// The locator.
    public var description: String { locator }
}

/// A place mail is restored into: an IMAP account, a Maildir, an mbox file, .eml files.
///
/// Contract: `prepareFolder` creates the folder when missing and is idempotent.
/// `existingMessages` lists what the folder holds now, by fingerprint, with where each
/// copy is. `append` stores items with their flags and internal dates and returns, per
/// item, nil on success or the error. `remove` deletes copies an earlier
/// `existingMessages` listed and never a message appended after that listing, so a
/// replacement appends the new copy first and removes the old ones second: a failure
/// in between leaves a duplicate, never a loss. `finish` flushes and closes; nothing is
/// guaranteed durable before it returns, except that `remove` makes the folder's
/// appended messages durable before it deletes anything.
public protocol RestoreTarget: Sendable {
    /// Creates `path` (and its parents) when missing.
    func prepareFolder(_ path: FolderPath, specialUse: SpecialUse?) async throws
    /// The messages in `path` now: every copy of each fingerprint.
    func existingMessages(in path: FolderPath) async throws -> [MessageFingerprint: [ExistingCopy]]
    /// The content digest (`MessageFingerprint.contentDigest` in BrickMessage) of each
    /// of `copies`, as listed by `existingMessages(in: path)`. A copy that is gone or
    /// cannot be read has no entry: it then counts as a different message.
    func contentDigests(of copies: [ExistingCopy], in path: FolderPath) async throws -> [ExistingCopy: String]
    /// Appends items to `path`; the result has one entry per item, nil when it landed.
    func append(_ items: [RestoreItem], to path: FolderPath) async throws -> [(any Error)?]
    /// Throws when this target cannot remove messages, before anything is written.
    func checkCanRemove() async throws
    /// Removes `copies` (as listed by `existingMessages(in: path)`) from `path`.
    /// Copies already gone are not an error.
    func remove(_ copies: [ExistingCopy], from path: FolderPath) async throws
    /// Flushes and releases the target.
    func finish() async throws
}

extension RestoreTarget {
    /// Fingerprints of the messages in `path` now.
    public func existingFingerprints(in path: FolderPath) async throws -> Set<MessageFingerprint> {
        Set(try await existingMessages(in: path).keys)
    }

    /// Every target that can list its copies can remove them, unless it says otherwise.
    public func checkCanRemove() async throws {}
}
