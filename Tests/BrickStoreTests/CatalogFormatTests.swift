import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// The open's format check reads one row when the store is current and runs the
/// migrator only for an older store; the run history never shows a negative duration.
@Suite struct CatalogFormatTests {
    /// Puts under `root` alice's store as the code of the format before this one wrote
    /// it: its golden store (Fixtures/golden-stores), with its last migration not applied.
    func placePreviousFormatStore(_ root: URL) throws {
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/golden-stores/format-\(CatalogSchema.formatVersion - 1)/alice")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: golden, to: root.appendingPathComponent("alice"))
    }

    /// The keys of the live items of alice's store under `root`, as a reader lists them.
    func liveKeys(_ root: URL) throws -> [String] {
        var keys: [String] = []
        try StoreCatalog(directory: root.appendingPathComponent("alice")).forEachItem(matching: ItemQuery()) { keys.append($0.key.rawValue) }
        return keys
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
        let older = TemporaryDirectory()
        try placePreviousFormatStore(older.url)
        #expect(!CatalogFormat.isCurrent(try DatabaseQueue(path: older.url.appendingPathComponent("alice/catalog.sqlite").path)))
        #expect(!CatalogFormat.isCurrent(try DatabaseQueue()))
    }

    @Test func olderStoreOpenedForWritingIsMigrated() throws {
        let dir = TemporaryDirectory()
        try placePreviousFormatStore(dir.url)
        #expect(try recorded(dir.url).version == String(CatalogSchema.formatVersion - 1))
        let store = try openStore(dir.url)
        let after = try recorded(dir.url)
        #expect(after.version == String(CatalogSchema.formatVersion))
        #expect(after.migrations.count == CatalogSchema.migrator.migrations.count)
        #expect(try store.items(matching: ItemQuery()).count == (try liveKeys(dir.url)).count)
        #expect(!(try liveKeys(dir.url)).isEmpty)
    }

    @Test func olderStoreOpenedForSearchIsMigratedFirst() throws {
        let dir = TemporaryDirectory()
        try placePreviousFormatStore(dir.url)
        let keys = try liveKeys(dir.url)
        #expect(try recorded(dir.url).version == String(CatalogSchema.formatVersion))
        #expect(!keys.isEmpty)
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
