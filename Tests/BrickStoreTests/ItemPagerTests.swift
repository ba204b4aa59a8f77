import BrickCore
import BrickStore
import Foundation
import Testing

/// Paging returns exactly what a one-shot query returns, a bounded page at a time.
@Suite struct ItemPagerTests {
    /// Three folders (one nested, one deleted) with 25 items at shuffled dates, two
    /// senders, and every fifth item deleted.
    func populatedStore(_ dir: TemporaryDirectory) throws -> UserStore {
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_772_000_000))
        let paths = [FolderPath.inbox, FolderPath(["Archive"]), FolderPath(["Archive", "2025"])]
        for (number, path) in paths.enumerated() {
            let folder = try store.ensureFolder(path, run: run1).folder
            let items = (0..<25).map { index in
                makeItem("\(number)-\(index)", received: 1_740_000_000 + TimeInterval((index * 7) % 25) * 3_600,
                         raw: makeMessage(from: index % 2 == 0 ? "even@example.com" : "odd@example.org"))
            }
            _ = try store.commit(ChangeBatch(added: items), to: folder, run: run1)
        }
        let run2 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_773_000_000))
        let inbox = try #require(try store.folder(at: .inbox))
        _ = try store.commit(ChangeBatch(vanished: (0..<25).filter { $0 % 5 == 0 }.map { ItemKey("0-\($0)") }), to: inbox, run: run2)
        try store.markFolderDeleted(try #require(try store.folder(at: FolderPath(["Archive", "2025"]))).id, run: run2)
        return store
    }

    func paged(_ store: UserStore, _ query: ItemQuery, pageSize: Int) throws -> [[CatalogItem]] {
        let pager = ItemPager(store: store, query: query, pageSize: pageSize)
        var pages: [[CatalogItem]] = []
        while let page = try pager.next() { pages.append(page) }
        return pages
    }

    static let queries: [(String, ItemQuery)] = {
        var deletedToo = ItemQuery()
        deletedToo.deleted = .yes
        var onlyDeleted = ItemQuery()
        onlyDeleted.deleted = .only
        var sender = ItemQuery()
        sender.sender = "@example.com"
        sender.deleted = .yes
        var archive = ItemQuery()
        archive.folders = [FolderPath(["Archive"])]
        archive.recursive = true
        archive.deleted = .yes
        var limited = ItemQuery()
        limited.limit = 11
        return [("present", ItemQuery()), ("deleted too", deletedToo), ("only deleted", onlyDeleted),
                ("sender domain", sender), ("folder recursive", archive), ("limit", limited)]
    }()

    @Test(arguments: [1, 2, 7, 1_000])
    func pagesHoldTheSameItemsAsOneQueryAndNoPageIsLarger(pageSize: Int) throws {
        let dir = TemporaryDirectory()
        let store = try populatedStore(dir)
        for (name, query) in Self.queries {
            let pages = try paged(store, query, pageSize: pageSize)
            let whole = try store.items(matching: query)
            #expect(!whole.isEmpty, "\(name)")
            #expect(pages.allSatisfy { $0.count <= pageSize && !$0.isEmpty }, "\(name)")
            let flat = pages.flatMap { $0 }
            #expect(flat.map(\.key) == whole.map(\.key), "\(name)")
        }
    }

    @Test func withinAFolderItemsComeByReceivedDate() throws {
        let dir = TemporaryDirectory()
        let store = try populatedStore(dir)
        let flat = try paged(store, ItemQuery(), pageSize: 3).flatMap { $0 }
        let inbox = flat.filter { $0.folderPath == .inbox }
        #expect(inbox.count == 20)
        #expect(inbox.map(\.receivedDate) == inbox.map(\.receivedDate).sorted())
    }
}
