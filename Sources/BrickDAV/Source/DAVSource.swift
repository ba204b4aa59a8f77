import BrickCore
import Foundation

/// A user's calendars and address books on a CalDAV/CardDAV server as a `MailSource`:
/// each collection is a folder under `Calendars/` or `Contacts/`, each resource an
/// item keyed by its file name, its bytes exactly as a GET serves them.
///
/// Changes come from sync-collection (RFC 6578) from the stored token; a server
/// without it is compared by getctag and an ETag listing. A collection whose
/// sync-token in its home's listing equals the stored one is not asked anything
/// more; one kept by getctag is asked for it alone first. Names, colours and new or
/// removed collections come from the same listing, so they too are seen each night.
/// Bodies are fetched with calendar-multiget / addressbook-multiget,
/// `multigetSize` resources per request, their carriage returns kept through the
/// XML (`CarriageReturnGuard`); GET, one resource at a time on the kept-alive
/// connection, for what a multiget does not bring and on servers that refuse it.
public final class DAVSource: MailSource, @unchecked Sendable {
    let client: DAVClient
    let batchBytes: Int
    let multigetSize: Int
    private let lock = NSLock()
    private var collections: [String: DAVCollection] = [:]
    private var refusedMultiget = false

    /// A source reading through `client`; batches carry about `batchBytes` of data.
    public convenience init(client: DAVClient, batchBytes: Int = 4 << 20) {
        self.init(client: client, batchBytes: batchBytes, multigetSize: 200)
    }

    /// A source asking for at most `multigetSize` resources per multiget (tests set
    /// it small to cross batch boundaries).
    init(client: DAVClient, batchBytes: Int, multigetSize: Int) {
        self.client = client
        self.batchBytes = batchBytes
        self.multigetSize = multigetSize
    }

    /// True once the server refused a multiget in this run: the rest goes by GET.
    var multigetRefused: Bool { lock.withLock { refusedMultiget } }

    /// Remembers that the server refuses multiget.
    func refuseMultiget() {
        lock.withLock { refusedMultiget = true }
    }

    /// `Calendars` and `Contacts` (not selectable; their hrefs are the homes) and one
    /// folder per collection below them.
    public func listFolders() async throws -> [SourceFolder] {
        let discovery = DAVDiscovery(client: client)
        let homes = try await discovery.homes()
        let found = try await discovery.collections(in: homes)
        lock.withLock { collections = Dictionary(found.map { ($0.href, $0) }, uniquingKeysWith: { first, _ in first }) }
        var folders: [SourceFolder] = []
        for (root, home, kind) in [
            (DAVFolderNaming.calendarsRoot, homes.calendars, DAVCollection.Kind.calendar),
            (DAVFolderNaming.contactsRoot, homes.addressBooks, .addressbook),
        ] {
            guard let home, found.contains(where: { $0.kind == kind }) else { continue }
            folders.append(SourceFolder(
                path: FolderPath([root]), upstreamName: home, identity: "dav:\(kind.rawValue)-home",
                selectable: false, dav: DAVFolderInfo(href: home, properties: "{\"resourcetype\":\"home\"}")))
        }
        for (collection, path) in zip(found, DAVFolderNaming.paths(for: found)) {
            folders.append(SourceFolder(
                path: path, upstreamName: collection.href, identity: "dav:" + collection.href,
                dav: DAVFolderInfo(href: collection.href, properties: collection.propertiesJSON)))
        }
        return folders
    }

    /// Streams the collection's changes since `state` into `sink`.
    public func synchronize(_ folder: SourceFolder, from state: FolderSyncState, into sink: any ChangeSink) async throws {
        let href = folder.dav?.href ?? folder.upstreamName
        guard let collection = lock.withLock({ collections[href] }) else {
            throw DAVError.httpStatus(method: "PROPFIND", href: href, status: 404, user: client.user)
        }
        try await DAVCollectionSync(source: self, collection: collection, state: state, sink: sink).run()
    }

    /// Closes the connection.
    public func close() async {
        await client.close()
    }

    /// Closes the connection and fails the request in progress.
    public func abort() async {
        await client.abort()
    }

    /// Calendar and address book folders.
    public func listedScope() -> FolderScope { .dav }
}
