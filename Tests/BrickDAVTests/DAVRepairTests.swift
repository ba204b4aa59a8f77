@testable import BrickDAV
import BrickCore
import BrickStore
import BrickSync
import BrickTestSupport
import Foundation
import Testing

/// `brick-backup repair` of a store holding calendars and contacts (a real Radicale,
/// tools/dav-test-server): the catalog is rebuilt from the folder tree, whose `dav`
/// files give the folders back their collection, and from the values, whose bytes give
/// the items back their calendar and contact columns.
@Suite(.serialized, .enabled(if: DAVTestServer.shouldRun(.radicale))) struct DAVRepairTests {
    typealias T = DAVTestSupport

    /// What a rebuilt catalog must give back of a folder.
    struct FolderColumns: Hashable {
        var path: String, href: String?, properties: String?, identity: String?, upstreamName: String?
    }

    /// What a rebuilt catalog must give back of an item.
    struct ItemColumns: Hashable {
        var folder: String, key: String, kind: String?, itemUID: String?, subject: String?, from: String?, to: String?
        var start: Date?, end: Date?, openEnded: Bool, received: Date, size: Int64, sha256: [UInt8]
    }

    @Test func repairedCatalogKeepsTheCalendarColumnsAndTheNextBackupChangesNothing() async throws {
        try await withDAVServer(.radicale) { try await repairRoundTrip($0) }
    }

    @Test func aStoreWithoutDAVFilesGetsThemBackOnItsNextNight() async throws {
        try await withDAVServer(.radicale) { server in
            let dir = T.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let layout = try StoreLayout(root: dir, user: "alice")
            try await T.put(try T.client(server.baseURL, user: "alice", password: "pass-alice"), "/alice/calendar/task.ics", try T.fixture("home-task.ics"))
            let store = try UserStore(layout: layout, user: "alice", mode: .readWrite)
            _ = try await T.backUp(store, DAVSource(client: try T.client(server.baseURL, user: "alice", password: "pass-alice")))
            let written = davFiles(layout)
            #expect(!written.isEmpty)
            // As a store backed up before the files existed: none there.
            for file in written { try FileManager.default.removeItem(atPath: file) }
            let next = try await T.backUp(store, DAVSource(client: try T.client(server.baseURL, user: "alice", password: "pass-alice")))
            #expect(next.itemsAdded == 0 && next.itemsUpdated == 0 && next.errors.isEmpty)
            #expect(davFiles(layout) == written)
        }
    }

    /// The `dav` files under the user directory of `layout`, sorted.
    private func davFiles(_ layout: StoreLayout) -> [String] {
        let root = layout.userDirectory.path
        let paths = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return paths.filter { ($0 as NSString).lastPathComponent == "dav" }.map { root + "/" + $0 }.sorted()
    }

    private func repairRoundTrip(_ server: DAVTestServer) async throws {
        let dir = T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let layout = try StoreLayout(root: dir, user: "alice")
        let alice = try T.client(server.baseURL, user: "alice", password: "pass-alice")
        try await T.makeCalendar(alice, "/alice/work/", name: "Work", color: "#FF0000FF")
        for (path, fixture) in [
            ("/alice/work/weekly.ics", "work-weekly.ics"), ("/alice/work/review.ics", "work-review.ics"),
            ("/alice/calendar/task.ics", "home-task.ics"), ("/alice/contacts/dora.vcf", "contact-dora.vcf"),
            ("/alice/contacts/emil.vcf", "contact-emil.vcf"),
        ] {
            try await T.put(alice, path, try T.fixture(fixture))
        }
        let original: (folders: Set<FolderColumns>, items: Set<ItemColumns>)
        do {
            let store = try UserStore(layout: layout, user: "alice", mode: .readWrite)
            let first = try await T.backUp(store, DAVSource(client: try T.client(server.baseURL, user: "alice", password: "pass-alice")))
            #expect(first.itemsAdded == 5 && first.errors.isEmpty)
            original = try columns(store)
        }
        #expect(original.folders.filter { $0.href != nil }.count == 5)
        #expect(original.items.filter { $0.kind != nil }.count == 5)

        for suffix in ["", "-wal", "-shm"] { unlink(layout.catalog.path + suffix) }
        let report = try UserStore.repair(layout: layout, user: "alice")
        #expect(report.itemsRebuilt == 5 && report.catalogProblem == "catalog.sqlite is missing")

        let store = try UserStore(layout: layout, user: "alice", mode: .readWrite)
        let rebuilt = try columns(store)
        #expect(rebuilt.folders == original.folders)
        #expect(rebuilt.items == original.items)

        // A mail-only night leaves the calendars alone (they are DAV folders again) …
        let mailOnly = try await T.backUp(store, EmptyMailSource())
        #expect(mailOnly.foldersDeleted == 0 && mailOnly.itemsDeleted == 0)
        // … and the next DAV night lists every collection in full (the tokens are gone)
        // but fetches and changes nothing: the ETag hashes came back with the values.
        let quiet = try T.client(server.baseURL, user: "alice", password: "pass-alice")
        let next = try await T.backUp(store, DAVSource(client: quiet))
        #expect(next.itemsAdded == 0 && next.itemsUpdated == 0 && next.itemsDeleted == 0)
        #expect(next.foldersAdded == 0 && next.foldersDeleted == 0 && next.errors.isEmpty)
        #expect(await quiet.requestCounts["GET"] == nil)
        #expect(try columns(store).items == original.items)
    }

    private func columns(_ store: UserStore) throws -> (folders: Set<FolderColumns>, items: Set<ItemColumns>) {
        let folders = try store.folders()
        var items = Set<ItemColumns>()
        try store.forEachItem(matching: ItemQuery()) { item in
            items.insert(ItemColumns(
                folder: item.folderPath.description, key: item.key.rawValue, kind: item.kind, itemUID: item.itemUID,
                subject: item.subject, from: item.fromAddress, to: item.to, start: item.sentDate, end: item.endDate,
                openEnded: item.isOpenEnded, received: item.receivedDate, size: item.size, sha256: item.sha256))
        }
        return (Set(folders.map {
            FolderColumns(path: $0.path.description, href: $0.davHref, properties: $0.davProperties, identity: $0.identity, upstreamName: $0.upstreamName)
        }), items)
    }
}

/// A mail source with no folders: a night whose mail account is empty.
private struct EmptyMailSource: MailSource {
    func listFolders() async throws -> [SourceFolder] { [] }
    func synchronize(_ folder: SourceFolder, from state: FolderSyncState, into sink: any ChangeSink) async throws {}
    func close() async {}
}
