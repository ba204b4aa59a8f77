/// What a folder that mirrors a CalDAV calendar or CardDAV address book carries
/// besides its path: the collection's href and its properties as the catalog keeps
/// them (`folders.dav_href`, `folders.dav_properties`, docs/FORMAT.md §4).
public struct DAVFolderInfo: Hashable, Sendable {
    /// The collection's URL path on the server.
    public var href: String
    /// A JSON object: displayname, color, description, components, resourcetype.
    public var properties: String

    /// Creates the description.
    public init(href: String, properties: String) {
        self.href = href
        self.properties = properties
    }
}

/// Which kinds of stored folders a source's listing speaks for: folder reconciliation
/// marks gone only stored folders of a kind the source listed this run, so a mail-only
/// run leaves calendars alone, and a DAV server that failed leaves them as they were.
public struct FolderScope: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Mail folders (no DAV href).
    public static let mail = FolderScope(rawValue: 1)
    /// Calendar and address book folders (a DAV href).
    public static let dav = FolderScope(rawValue: 2)
}
