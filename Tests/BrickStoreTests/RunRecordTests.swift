import BrickCore
@testable import BrickStore
import Foundation
import Testing

/// A run's row is written with the run's first catalog change (or its end), so a run
/// that changes nothing is one catalog transaction.
@Suite struct RunRecordTests {
    @Test func runThatChangesNothingIsOneCatalogTransaction() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let before = store.catalogWriteCount
        let run = try store.beginRun(kind: "backup", source: "maildir")
        #expect(store.catalogWriteCount == before)
        try store.finishRun(run, totals: RunTotals(), status: "ok")
        #expect(store.catalogWriteCount == before + 1)
        let runs = try store.runs()
        #expect(runs.map(\.id) == [run.id])
        #expect(runs.first?.status == "ok" && runs.first?.kind == "backup" && runs.first?.source == "maildir")
        #expect(runs.first?.startedAt == run.date)
    }

    @Test func runRowIsWrittenInTheTransactionOfItsFirstChange() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        #expect(try store.runs().isEmpty)
        let folder = try store.ensureFolder(.inbox, run: run).folder
        let afterFolder = store.catalogWriteCount
        let rows = try store.runs()
        #expect(rows.map(\.id) == [run.id] && rows.first?.status == "running")
        _ = try store.commit(ChangeBatch(added: [makeItem("a")], token: "t1"), to: folder, run: run)
        #expect(store.catalogWriteCount == afterFolder + 1)
        try store.finishRun(run, totals: RunTotals(), status: "ok")
        #expect(try store.runs().map(\.status) == ["ok"])
        #expect(try item(store, .inbox, "a").addedAt == run.date)
        #expect(folder.addedRun == run.id)
    }

    @Test func runBegunAndAbandonedBeforeAnyChangeLeavesNoRowAndTheNextRunTakesItsId() throws {
        let dir = TemporaryDirectory()
        let first: RunHandle
        do {
            let store = try openStore(dir.url)
            first = try store.beginRun(kind: "backup")
        }
        let store = try openStore(dir.url)
        #expect(try store.runs().isEmpty)
        let second = try store.beginRun(kind: "backup")
        #expect(second.id == first.id)
        try store.finishRun(second, totals: RunTotals(), status: "ok")
        #expect(try store.runs().map(\.id) == [second.id])
    }

    @Test func runsBegunInOneSecondOnOneHandleGetOrderedIdsAndTimes() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let now = Date()
        let first = try store.beginRun(kind: "backup", at: now)
        let second = try store.beginRun(kind: "purge", at: now)
        #expect(second.id == first.id + 1 && second.time == first.time + 1)
        try store.finishRun(second, totals: RunTotals(), status: "ok")
        try store.finishRun(first, totals: RunTotals(), status: "partial")
        #expect(try store.runs().map(\.status) == ["partial", "ok"])
        #expect(try store.runs().map(\.kind) == ["backup", "purge"])
    }

    @Test func readerOpenedBesideTheWriterSeesWhatItCommitted() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let folder = try store.ensureFolder(.inbox, run: run).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("a"), makeItem("b")]), to: folder, run: run)
        let reader = try openStore(dir.url, mode: .readOnly)
        #expect(try reader.items(matching: ItemQuery()).map(\.key) == ["a", "b"])
        #expect(try reader.runs().map(\.status) == ["running"])
        try store.finishRun(run, totals: RunTotals(), status: "ok")
        #expect(try reader.runs().map(\.status) == ["ok"])
        let catalog = try StoreCatalog(directory: dir.url.appendingPathComponent("alice"))
        var keys: [String] = []
        try catalog.forEachItem(matching: ItemQuery()) { keys.append($0.key.rawValue) }
        #expect(keys == ["a", "b"])
    }
}
