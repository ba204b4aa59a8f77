import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// The open's format check reads one row when the store is current and runs the
/// migrator only for an older store; the run history never shows a negative duration.
@Suite struct CatalogFormatTests {
    /// Makes alice's store look as format 7 left it: version 7, the last migration not applied.
    func rollBackToFormat7(_ root: URL) throws {
        let catalog = try DatabaseQueue(path: root.appendingPathComponent("alice/catalog.sqlite").path)
        try catalog.write { db in
            try db.execute(sql: "UPDATE meta SET value = '7' WHERE key = 'format_version'")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v8-sealed-values'")
        }
    }

    func recorded(_ root: URL) throws -> (version: String?, migrations: [String]) {
        let catalog = try DatabaseQueue(path: root.appendingPathComponent("alice/catalog.sqlite").path)
        return try catalog.read { db in
            (try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'"),
             try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"))
        }
    }

    func makeStore(_ root: URL) throws {
        let store = try openStore(root)
        let run = try store.beginRun(kind: "backup")
        let (folder, _) = try store.ensureFolder(.inbox, run: run)
        _ = try store.commit(ChangeBatch(added: [makeItem("k1", raw: makeMessage(messageID: "fixed"))], token: "t1"), to: folder, run: run)
        try store.finishRun(run, totals: RunTotals(), status: "ok")
    }

    @Test func currentStoreIsRecognisedFromItsVersionRow() throws {
        let dir = TemporaryDirectory()
        try makeStore(dir.url)
        let queue = try DatabaseQueue(path: dir.url.appendingPathComponent("alice/catalog.sqlite").path)
        #expect(CatalogFormat.isCurrent(queue))
        try rollBackToFormat7(dir.url)
        #expect(!CatalogFormat.isCurrent(queue))
        #expect(!CatalogFormat.isCurrent(try DatabaseQueue()))
    }

    @Test func olderStoreOpenedForWritingIsMigrated() throws {
        let dir = TemporaryDirectory()
        try makeStore(dir.url)
        try rollBackToFormat7(dir.url)
        #expect(try recorded(dir.url).version == "7")
        let store = try openStore(dir.url)
        let after = try recorded(dir.url)
        #expect(after.version == String(CatalogSchema.formatVersion))
        #expect(after.migrations.contains("v8-sealed-values"))
        #expect(try store.items(matching: ItemQuery()).map(\.key.rawValue) == ["k1"])
    }

    @Test func olderStoreOpenedForSearchIsMigratedFirst() throws {
        let dir = TemporaryDirectory()
        try makeStore(dir.url)
        try rollBackToFormat7(dir.url)
        let catalog = try StoreCatalog(directory: dir.url.appendingPathComponent("alice"))
        #expect(try recorded(dir.url).version == String(CatalogSchema.formatVersion))
        var keys: [String] = []
        try catalog.forEachItem(matching: ItemQuery()) { keys.append($0.key.rawValue) }
        #expect(keys == ["k1"])
    }

    @Test func newerStoreIsRefusedBySearchToo() throws {
        let dir = TemporaryDirectory()
        try makeStore(dir.url)
        let queue = try DatabaseQueue(path: dir.url.appendingPathComponent("alice/catalog.sqlite").path)
        try queue.write { db in try db.execute(sql: "UPDATE meta SET value = '99' WHERE key = 'format_version'") }
        do {
            _ = try StoreCatalog(directory: dir.url.appendingPathComponent("alice"))
            Issue.record("a store of a newer format was searched")
        } catch let StoreError.formatTooNew(_, found, _) {
            #expect(found == 99)
        }
    }

    @Test func storeOpenedForReadingLeavesTheEnvironmentClosedUntilAValueIsRead() throws {
        let dir = TemporaryDirectory()
        try makeStore(dir.url)
        let reader = try openStore(dir.url, mode: .readOnly)
        #expect(try reader.stats().folders.count == 1)
        #expect(!reader.hasOpenedEnvironment)
        let item = try #require(try reader.items(matching: ItemQuery()).first)
        #expect(try reader.readItem(item).raw == makeMessage(messageID: "fixed"))
        #expect(reader.hasOpenedEnvironment)
    }

    @Test func runStampedAfterTheClockNeverEndsBeforeItStarts() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var runs: [RunHandle] = []
        for _ in 0..<3 { runs.append(try store.beginRun(kind: "hold", at: now)) }
        #expect(runs.map(\.time) == [1_800_000_000, 1_800_000_001, 1_800_000_002])
        for run in runs { try store.finishRun(run, totals: RunTotals(), status: "ok", at: now) }
        for record in try store.runs() {
            let finished = try #require(record.finishedAt)
            #expect(finished >= record.startedAt)
        }
    }
}
