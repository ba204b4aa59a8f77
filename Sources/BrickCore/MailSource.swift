/// What the store remembers of a folder when a sync starts.
public struct FolderSyncState: Sendable {
    /// The source's own token from the last committed batch (IMAP: UIDVALIDITY and
    /// HIGHESTMODSEQ; Maildir: directory modification times), or nil on a first run.
    public var token: String?
    /// Loads the items the store holds as present (not deleted) in this folder, with
    /// their flags. Sources call it only when they need a diff.
    public var loadPresentItems: @Sendable () throws -> [ItemKey: ItemFlags]
    /// Of the given EMAILIDs (RFC 8474), those the store holds an item with, in any
    /// folder: a source may report such messages as `CopiedItem`s without their bytes.
    /// By default none.
    public var knownEmailIDs: @Sendable ([String]) throws -> Set<String> = { _ in [] }
    /// The MODSEQs the store holds for the folder's present items (a DAV source keeps
    /// a hash of each resource's ETag there). By default none.
    public var loadItemVersions: @Sendable () throws -> [ItemKey: UInt64] = { [:] }

    /// Creates a state.
    public init(token: String?, loadPresentItems: @escaping @Sendable () throws -> [ItemKey: ItemFlags]) {
        self.token = token
        self.loadPresentItems = loadPresentItems
    }
}

/// One unit of change for one folder, committed atomically with its sync token.
public struct ChangeBatch: Sendable {
    /// When true, every item present before this batch is marked deleted first
    /// (a UIDVALIDITY change retired the old generation).
    public var retirePresentItems: Bool
    /// New items, with their bytes.
    public var added: [SourceItem]
    /// New items too large to hold in memory, read while they are written.
    public var streamed: [StreamedItem] = []
    /// New items whose bytes the store already holds under the same EMAILID.
    public var copied: [CopiedItem] = []
    /// Flag changes on items the store holds.
    public var flagChanges: [FlagChange]
    /// Keys of items gone upstream; they are marked deleted, not removed.
    public var vanished: [ItemKey]
    /// The token that is true once this batch is committed; nil keeps the old one.
    public var token: String?
    /// Items seen upstream but not stored: the token does not move past them, and
    /// the run reports them (partial).
    public var skipped: [SkippedItem] = []

    /// Creates a batch.
    public init(
        retirePresentItems: Bool = false, added: [SourceItem] = [], flagChanges: [FlagChange] = [],
        vanished: [ItemKey] = [], token: String? = nil
    ) {
        self.retirePresentItems = retirePresentItems
        self.added = added
        self.flagChanges = flagChanges
        self.vanished = vanished
        self.token = token
    }

    /// True when the batch changes nothing but perhaps the token.
    public var isEmpty: Bool {
        !retirePresentItems && added.isEmpty && streamed.isEmpty && copied.isEmpty && flagChanges.isEmpty && vanished.isEmpty
    }

    /// Bytes of message data the batch carries, streamed items counted at their full
    /// size (so a batch never carries two large messages).
    public var byteCount: Int {
        added.reduce(0) { $0 + $1.raw.count } + streamed.reduce(0) { $0 + Int(clamping: $1.body.size) }
    }
}

/// Receives a folder's changes batch by batch and makes them durable in order.
public protocol ChangeSink: Sendable {
    /// Commits one batch: blobs first, then catalog rows and the token together.
    /// Batches are committed in the order given; a sink may return while this batch is
    /// still being written (so the source can read the next), but only after every
    /// earlier batch is durable, and it throws the failure of an earlier batch.
    func commit(_ batch: ChangeBatch) async throws
}

/// A place mail is backed up from: a Maildir tree, an IMAP account.
///
/// Contract: `listFolders` reports what exists now. `synchronize` reports every change
/// in one folder since `state`, in batches sized so that memory stays bounded (a few
/// MB of message data, and never more than one large message beyond that; a message
/// above `StreamedItem.threshold` goes, where the source can, as a `StreamedItem`
/// read by the store while it writes, counted at its full size), each
/// carrying the token valid after it. It may be called again from any earlier committed
/// state after a crash or a dropped connection, so it must be idempotent: reporting an
/// item the store already holds is allowed, losing one is not.
public protocol MailSource: Sendable {
    /// The folders upstream, parents before children.
    func listFolders() async throws -> [SourceFolder]
    /// Streams the changes of `folder` since `state` into `sink`.
    func synchronize(_ folder: SourceFolder, from state: FolderSyncState, into sink: any ChangeSink) async throws
    /// Releases connections and files.
    func close() async
    /// The entries skipped on purpose since the last call (symlinks, FIFOs, messages
    /// above a size limit), each reported once; the caller records them in the run.
    func takeSkippedEntries() -> [SkippedEntry]
    /// Breaks off a call in progress, from another task (a deadline passed): the
    /// call fails soon after. By default nothing: local sources do not hang.
    func abort() async
    /// The token under which `synchronize` compares the whole folder with what the
    /// store holds as present (a listing of messages and flags, bodies only of the
    /// messages the store lacks), given the token the store keeps for the folder: what
    /// an audit uses. By default nil, a first run's full comparison.
    func auditToken(for stored: String?) -> String?
    /// The kinds of stored folders the last `listFolders` spoke for (see
    /// `FolderScope`). By default mail.
    func listedScope() -> FolderScope
}

extension MailSource {
    /// By default a source skips nothing.
    public func takeSkippedEntries() -> [SkippedEntry] { [] }
    /// Does nothing.
    public func abort() async {}
    /// No token: a first run's comparison.
    public func auditToken(for stored: String?) -> String? { nil }
    /// Mail folders.
    public func listedScope() -> FolderScope { .mail }
}
