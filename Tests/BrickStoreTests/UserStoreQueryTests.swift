import BrickCore
import BrickStore
import Foundation
import Testing

@Suite struct UserStoreQueryTests {
    /// INBOX with mail from two senders, Archive/2025 with one message, and one
    /// message deleted in a second run.
    func populatedStore(_ dir: TemporaryDirectory) throws -> (UserStore, RunHandle, RunHandle) {
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_772_000_000))
        let inbox = try store.ensureFolder(.inbox, run: run1).folder
        let archive = try store.ensureFolder(FolderPath(["Archive", "2025"]), run: run1).folder
        _ = try store.commit(ChangeBatch(added: [
            makeItem("m1", received: 1_741_000_000, raw: makeMessage(from: "Carol <Carol@Example.COM>", date: "Mon, 3 Mar 2025 10:00:00 +0000")),
            makeItem("m2", received: 1_743_500_000, raw: makeMessage(from: "dan@other.net", date: "Tue, 1 Apr 2025 08:00:00 +0000")),
            makeItem("m3", received: 1_745_000_000, raw: makeMessage(from: "carol@example.com")),
        ]), to: inbox, run: run1)
        _ = try store.commit(ChangeBatch(added: [makeItem("a1", received: 1_740_000_000, raw: makeMessage(from: "eve@sub.example.com"))]), to: archive, run: run1)
        let run2 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_773_000_000))
        _ = try store.commit(ChangeBatch(vanished: ["m3"]), to: inbox, run: run2)
        return (store, run1, run2)
    }

    @Test func senderMatchesAddressCaseInsensitively() throws {
        let dir = TemporaryDirectory()
        let (store, _, _) = try populatedStore(dir)
        var query = ItemQuery()
        query.sender = "CAROL@example.com"
        query.deleted = .yes
        #expect(try store.items(matching: query).map(\.key) == ["m1", "m3"])
    }

    @Test func senderDomainMatchesOnlyThatDomain() throws {
        let dir = TemporaryDirectory()
        let (store, _, _) = try populatedStore(dir)
        var query = ItemQuery()
        query.sender = "@example.com"
        #expect(try store.items(matching: query).map(\.key) == ["m1"])
    }

    @Test func periodSelectsOnReceivedDateByDefaultAndEndIsExclusive() throws {
        let dir = TemporaryDirectory()
        let (store, _, _) = try populatedStore(dir)
        var query = ItemQuery()
        query.periodBegin = Date(timeIntervalSince1970: 1_741_000_000)
        query.periodEnd = Date(timeIntervalSince1970: 1_743_500_000)
        #expect(try store.items(matching: query).map(\.key) == ["m1"])
        query.dateField = .sent
        query.periodBegin = Date(timeIntervalSince1970: 1_743_465_600)  // 2025-04-01
        query.periodEnd = Date(timeIntervalSince1970: 1_743_552_000)
        #expect(try store.items(matching: query).map(\.key) == ["m2"])
    }

    @Test func folderFilterIsExactUnlessRecursive() throws {
        let dir = TemporaryDirectory()
        let (store, _, _) = try populatedStore(dir)
        var query = ItemQuery()
        query.folders = [FolderPath(["Archive"])]
        #expect(try store.items(matching: query).isEmpty)
        query.recursive = true
        #expect(try store.items(matching: query).map(\.key) == ["a1"])
        query.folders = [FolderPath(["Nope"])]
        #expect(throws: StoreError.self) { try store.items(matching: query) }
    }

    @Test func keysSelectExactItems() throws {
        let dir = TemporaryDirectory()
        let (store, _, _) = try populatedStore(dir)
        var query = ItemQuery()
        query.keys = ["m2", "a1"]
        #expect(Set(try store.items(matching: query).map(\.key)) == ["m2", "a1"])
    }

    @Test func asOfShowsTheMailboxAtAnEarlierRun() throws {
        let dir = TemporaryDirectory()
        let (store, run1, run2) = try populatedStore(dir)
        var query = ItemQuery()
        query.folders = [.inbox]
        query.asOf = run1.date.addingTimeInterval(3600)
        #expect(try store.items(matching: query).map(\.key) == ["m1", "m2", "m3"])
        query.asOf = run2.date
        #expect(try store.items(matching: query).map(\.key) == ["m1", "m2"])
        query.asOf = Date(timeIntervalSince1970: 1_000)
        #expect(try store.items(matching: query).isEmpty)
    }

    @Test func countAddsUpSizes() throws {
        let dir = TemporaryDirectory()
        let (store, _, _) = try populatedStore(dir)
        let all = try store.items(matching: ItemQuery())
        let counted = try store.count(matching: ItemQuery())
        #expect(counted.items == all.count)
        #expect(counted.bytes == all.reduce(0) { $0 + $1.size })
    }
}
