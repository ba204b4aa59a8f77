import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// The `runs` row keeps a run's calendar and contact counts by kind (format 11); a run
/// row of an older bundle, which has no such columns, is imported with none.
@Suite struct RunKindCountsTests {
    @Test func theRunsRowKeepsTheCountsByKind() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        var totals = RunTotals()
        totals.itemsAdded = 4
        for change in [("event", \DAVChangeCounts.Tally.added), ("event", \.added), ("task", \.changed), ("contact", \.deleted),
                       ("journal", \.added), ("bogus", \.changed)] as [(String, WritableKeyPath<DAVChangeCounts.Tally, Int>)] {
            totals.dav.count(change.0, change.1)
        }
        try store.finishRun(run, totals: totals, status: "ok")

        let recorded = try #require(try store.runs().last)
        #expect(recorded.dav == totals.dav)
        #expect(recorded.dav.description == "events 2 new; tasks 1 changed; journal entries 1 new; contacts 1 deleted; other 1 changed")
        let columns = try store.readCatalog { db in
            try Row.fetchOne(db, sql: "SELECT events_added, tasks_changed, contacts_deleted, journals_added, dav_other_changed, events_deleted FROM runs")
        }
        #expect(columns.map { Array($0.databaseValues) } == [2, 1, 1, 1, 1, 0].map(\.databaseValue))
        #expect(recorded.dav.runColumnValues == [2, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0])
    }

    @Test func aMailOnlyRunHasNoCountsByKind() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let (folder, _) = try store.ensureFolder(.inbox, run: run)
        _ = try store.commit(ChangeBatch(added: [makeItem("m1")]), to: folder, run: run)
        var totals = RunTotals()
        totals.itemsAdded = 1
        try store.finishRun(run, totals: totals, status: "ok")
        let recorded = try #require(try store.runs().last)
        #expect(recorded.itemsAdded == 1 && recorded.dav.isEmpty)
        #expect(recorded.dav.runColumnValues.allSatisfy { $0 == 0 })
    }

    @Test func aRunRowOfAnOlderBundleIsImportedWithoutCountsByKind() throws {
        let dir = TemporaryDirectory()
        let replica = try openStore(dir.url.appendingPathComponent("replica"))
        // A format-10 bundle's row has no per-kind fields: absent, or read as NULL.
        let absent: CatalogRow = ["id": .integer(1), "kind": .text("backup"), "started_at": .integer(10), "status": .text("ok"), "items_added": .integer(3)]
        var null = absent
        null["id"] = .integer(2)
        for column in DAVChangeCounts.runColumnNames { null[column] = .null }
        var carried = absent
        carried["id"] = .integer(3)
        for column in DAVChangeCounts.runColumnNames { carried[column] = .integer(0) }
        carried["contacts_added"] = .integer(3)
        try replica.applyBundle(full: true, keepPurged: false) { writer in
            for row in [absent, null, carried] { try writer.run(row) }
            try writer.finish(
                AppliedBundle(sequence: 1, kind: "full", digest: Array(repeating: 1, count: 32), parentDigest: [], toRun: 3),
                primaryStoreID: "primary")
        }
        let runs = try replica.runs()
        #expect(runs.map(\.itemsAdded) == [3, 3, 3])
        #expect(runs.map(\.dav.description) == ["", "", "contacts 3 new"])
    }
}
