/// One folder as a source sees it upstream now.
public struct SourceFolder: Hashable, Sendable {
    /// The folder's path with real (decoded) names.
    public var path: FolderPath
    /// The name exactly as upstream spells it (modified UTF-7 on IMAP, the directory
    /// name in a Maildir), kept so the folder can be found again.
    public var upstreamName: String
    /// Its special use, when the source announces or can guess one.
    public var specialUse: SpecialUse?
    /// Evidence that survives a rename, when the source has it: `MAILBOXID`, or
    /// UIDVALIDITY where the server keeps it on rename. Two folders with the same
    /// non-nil identity are the same folder.
    public var identity: String?
    /// False for a name that exists only as a parent (`\Noselect`): it holds no items.
    public var selectable: Bool
    /// A rough size in bytes or messages, used to schedule large users and folders first.
    public var sizeHint: Int?
    /// The CalDAV/CardDAV collection the folder mirrors; nil for a mail folder.
    public var dav: DAVFolderInfo?

    /// Creates a folder description.
    public init(
        path: FolderPath, upstreamName: String, specialUse: SpecialUse? = nil,
        identity: String? = nil, selectable: Bool = true, sizeHint: Int? = nil, dav: DAVFolderInfo? = nil
    ) {
        self.dav = dav
        self.path = path
        self.upstreamName = upstreamName
        self.specialUse = specialUse
        self.identity = identity
        self.selectable = selectable
        self.sizeHint = sizeHint
    }
}
