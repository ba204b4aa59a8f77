import BrickCore

/// What an audit of one user found (docs/DESIGN.md "Audit").
public struct AuditReport: Sendable {
    /// One message, by folder and key.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// Its folder.
        public var folder: FolderPath
        /// Its key.
        public var key: ItemKey
        /// What is wrong, when more than the list says.
        public var detail: String?

        /// `folder key` and the detail.
        public var description: String { "\(folder) \(key.rawValue)" + (detail.map { ": \($0)" } ?? "") }
    }

    /// The user.
    public var user: String
    /// Folders compared.
    public var folders = 0
    /// Messages upstream in those folders.
    public var upstreamItems = 0
    /// Folders upstream that the store does not hold at all.
    public var missingFolders: [FolderPath] = []
    /// Messages upstream that the store does not hold.
    public var missing: [Entry] = []
    /// Items the store holds as present that are gone upstream (the next backup marks
    /// them deleted).
    public var notYetDeleted: [Entry] = []
    /// Items whose flags differ upstream (detail: stored → upstream).
    public var flagDifferences: [Entry] = []
    /// Messages downloaded for the sample.
    public var sampled = 0
    /// Sampled messages whose stored bytes differ from upstream, or cannot be read.
    public var sampleMismatches: [Entry] = []
    /// Folders that could not be compared, with the reason.
    public var failedFolders: [String] = []

    /// A report for `user` with nothing found yet.
    public init(user: String) { self.user = user }

    /// True when nothing upstream is missing from the store, every sampled message
    /// matched and every folder was compared.
    public var isComplete: Bool { missing.isEmpty && missingFolders.isEmpty && sampleMismatches.isEmpty && failedFolders.isEmpty }
}
