import BrickCore
import BrickStore
import Foundation
import Testing

@Suite struct UserStoreCommitTests {
    @Test func bytesReadBackAreIdenticalToBytesStored() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let folder = try store.ensureFolder(.inbox, run: run).folder
        var binary = makeMessage(body: "caf\u{E9}\r\n")
        binary += (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let items = [makeItem("a", raw: binary), makeItem("b", flags: ItemFlags(system: [.seen], keywords: ["Work"]))]
        let outcome = try store.commit(ChangeBatch(added: items, token: "t1"), to: folder, run: run)
        #expect(outcome.added == 2)
        let listed = try store.items(matching: ItemQuery())
        #expect(listed.map(\.key) == ["a", "b"])
        for (row, item) in zip(listed, items) {
            let (header, raw) = try store.readItem(row)
            #expect(raw == item.raw)
            #expect(header.flags == item.flags)
        }
        #expect(try store.folder(at: .inbox)?.syncToken == "t1")
    }

    @Test func flagChangesTouchOnlyTheCatalog() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup")
        let folder = try store.ensureFolder(.inbox, run: run1).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("a")]), to: folder, run: run1)
        let run2 = try store.beginRun(kind: "backup")
        let change = FlagChange(key: "a", flags: ItemFlags(system: [.seen, .answered]))
        let outcome = try store.commit(ChangeBatch(flagChanges: [change, change]), to: folder, run: run2)
        #expect(outcome.updated == 1)
        #expect(try store.items(matching: ItemQuery()).first?.flags == change.flags)
        #expect(try store.presentItems(in: folder.id) == ["a": change.flags])
    }

    @Test func vanishedItemsStayMarkedDeleted() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup")
        let folder = try store.ensureFolder(.inbox, run: run1).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("a"), makeItem("b")]), to: folder, run: run1)
        let run2 = try store.beginRun(kind: "backup")
        let outcome = try store.commit(ChangeBatch(vanished: ["a", "missing"]), to: folder, run: run2)
        #expect(outcome.deleted == 1)
        var query = ItemQuery()
        #expect(try store.items(matching: query).map(\.key) == ["b"])
        query.deleted = .only
        let deleted = try store.items(matching: query)
        #expect(deleted.map(\.key) == ["a"])
        #expect(deleted.first?.deletedAt == run2.date)
        query.deleted = .yes
        #expect(try store.items(matching: query).count == 2)
        #expect(try store.readItem(deleted[0]).raw.count > 0)
    }

    @Test func retiringAGenerationMarksEveryPresentItemDeleted() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup")
        let folder = try store.ensureFolder(.inbox, run: run1).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("1.1"), makeItem("1.2")]), to: folder, run: run1)
        let run2 = try store.beginRun(kind: "backup")
        let outcome = try store.commit(ChangeBatch(retirePresentItems: true, added: [makeItem("2.1")]), to: folder, run: run2)
        #expect(outcome.deleted == 2 && outcome.added == 1)
        #expect(try store.items(matching: ItemQuery()).map(\.key) == ["2.1"])
    }

    @Test func recommittingTheSameItemIsIdempotent() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let folder = try store.ensureFolder(.inbox, run: run).folder
        let item = makeItem("a")
        _ = try store.commit(ChangeBatch(added: [item]), to: folder, run: run)
        let again = try store.commit(ChangeBatch(added: [item]), to: folder, run: run)
        #expect(again.added == 0)
        #expect(try store.items(matching: ItemQuery()).count == 1)
    }

    @Test func runsRecordTheirTotals() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup", source: "maildir:/x")
        var totals = RunTotals()
        totals.itemsAdded = 3
        totals.errors = ["INBOX/x: oops"]
        try store.finishRun(run, totals: totals, status: "partial")
        let record = try #require(try store.runs().last)
        #expect(record.status == "partial" && record.itemsAdded == 3 && record.errors == "INBOX/x: oops")
        #expect(record.finishedAt != nil)
        let later = try store.beginRun(kind: "backup")
        #expect(later.time > run.time)
    }
}
