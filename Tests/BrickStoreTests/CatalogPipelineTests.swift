import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// A batch's catalog transaction commits beside the next batch's values: the next
/// batch shares the bodies of rows not yet committed, transactions commit in order,
/// and after a failed one no later batch that follows it gets rows.
@Suite struct CatalogPipelineTests {
    let raw = makeMessage(body: String(repeating: "The same message in two folders.\r\n", count: 300))

    /// A new store in a temporary directory (kept while the value lives), a run begun,
    /// and its inbox.
    private func storeWithInbox() throws -> (TemporaryDirectory, UserStore, RunHandle, StoredFolder) {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        return (dir, store, run, try store.ensureFolder(.inbox, run: run).folder)
    }

    private func keys(_ store: UserStore, folder: FolderID) throws -> Set<String> {
        try store.catalog.read { db in
            Set(try String.fetchAll(db, sql: "SELECT key FROM items WHERE folder_id = ?", arguments: [folder]))
        }
    }

    @Test func theNextBatchSharesTheBodyOfARowWhoseTransactionIsInFlight() throws {
        let (dir, store, run, inbox) = try storeWithInbox()
        defer { withExtendedLifetime(dir) {} }
        let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run).folder
        let first = try store.prepare(ChangeBatch(added: [makeItem("1.1", raw: raw)]), for: inbox)
        let second = try store.prepare(ChangeBatch(added: [makeItem("2.1", raw: raw)]), for: archive)

        let hold = CatalogHold(store)
        let firstCommit = try store.commitValues(first, to: inbox, run: run)
        let secondCommit = try store.commitValues(second, to: archive, run: run, after: firstCommit)
        // Both values are written while neither transaction could commit.
        #expect(store.catalogPipeline.inFlight.count == 2)
        hold.end()

        #expect(try firstCommit.wait().added == 1)
        #expect(try secondCommit.wait().added == 1)
        #expect(try catalogBody(store, folder: archive.id, key: "2.1") == BodyReference(folderID: inbox.id, key: "1.1"))
        #expect(try store.readItem(item(store, FolderPath(["Archive"]), "2.1")).raw == raw)
        let verify = try store.verify()
        #expect(verify.isIntact && verify.sharedItems == 1)
    }

    @Test func aBatchInFlightCountsItsKeysAsStoredForTheNextBatchOfItsFolder() throws {
        let (dir, store, run, inbox) = try storeWithInbox()
        defer { withExtendedLifetime(dir) {} }
        let first = try store.prepare(ChangeBatch(added: [makeItem("a", raw: raw)]), for: inbox)
        // The same key again with other bytes: it must be rewritten, not become a reference.
        let other = makeMessage(body: "Other bytes.\r\n")
        let second = try store.prepare(ChangeBatch(added: [makeItem("a", raw: other), makeItem("b", raw: raw)]), for: inbox)

        let hold = CatalogHold(store)
        let firstCommit = try store.commitValues(first, to: inbox, run: run)
        let ended = DispatchSemaphore(value: 0)
        // The second batch rewrites a row in flight: it waits for the first to commit.
        Thread { hold.end(); ended.signal() }.start()
        let secondCommit = try store.commitValues(second, to: inbox, run: run, after: firstCommit)
        ended.wait()

        #expect(try firstCommit.wait().added == 1)
        #expect(try secondCommit.wait().added == 1)
        #expect(try catalogBody(store, folder: inbox.id, key: "a") == nil)
        #expect(try catalogBody(store, folder: inbox.id, key: "b") == nil)
        #expect(try store.readItem(item(store, .inbox, "a")).raw == other)
        #expect(try store.readItem(item(store, .inbox, "b")).raw == raw)
        #expect(try store.verify().isIntact)
    }

    @Test func aFailedCatalogTransactionLeavesTheBatchesAfterItWithoutRows() throws {
        let (dir, store, run, inbox) = try storeWithInbox()
        defer { withExtendedLifetime(dir) {} }
        _ = try store.commit(ChangeBatch(added: [makeItem("0")], token: "t0"), to: inbox, run: run)
        let batches = try (1...2).map { index in
            try store.prepare(ChangeBatch(added: [makeItem("\(index)")], token: "t\(index)"), for: inbox)
        }
        try store.catalog.writeWithoutTransaction { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER refuse_one BEFORE INSERT ON items WHEN NEW.key = '1'
                BEGIN SELECT RAISE(ABORT, 'refused'); END
                """)
        }

        let hold = CatalogHold(store)
        let failing = try store.commitValues(batches[0], to: inbox, run: run)
        let following = try store.commitValues(batches[1], to: inbox, run: run, after: failing)
        hold.end()

        #expect(throws: StoreError.self) { try failing.wait() }
        #expect(throws: StoreError.self) { try following.wait() }
        #expect(following.failure != nil)
        let third = try store.prepare(ChangeBatch(added: [makeItem("3")], token: "t3"), for: inbox)
        #expect(throws: StoreError.self) { try store.commitValues(third, to: inbox, run: run, after: following) }
        #expect(try keys(store, folder: inbox.id) == ["0"])
        #expect(try store.folder(at: .inbox)?.syncToken == "t0")
    }
}

extension CatalogPipelineTests {
    @Test func batchesHandedOverWhileTheCatalogIsBusyShareTransactionsOfUpToFourBatches() throws {
        let (dir, store, run, inbox) = try storeWithInbox()
        defer { withExtendedLifetime(dir) {} }
        let batches = try (1...5).map { index in
            try store.prepare(ChangeBatch(added: [makeItem("\(index)")], token: "t\(index)"), for: inbox)
        }
        let before = store.catalogWriteCount
        let hold = CatalogHold(store)
        var commits: [CatalogCommit] = []
        for batch in batches { commits.append(try store.commitValues(batch, to: inbox, run: run, after: commits.last)) }
        hold.end()
        for commit in commits { #expect(try commit.wait().added == 1) }
        #expect(store.catalogWriteCount == before + 2, "five batches: one transaction of four, one of one")
        #expect(try keys(store, folder: inbox.id) == ["1", "2", "3", "4", "5"])
        #expect(try store.folder(at: .inbox)?.syncToken == "t5")
        #expect(try store.verify().isIntact)
    }
}

/// Holds the store's one catalog connection on a thread of its own until `end()`, so
/// the catalog transactions handed to the pipeline meanwhile wait, in flight.
final class CatalogHold: @unchecked Sendable {
    private let entered = DispatchSemaphore(value: 0)
    private let release = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(_ store: UserStore) {
        let (entered, release, done) = (entered, release, done)
        Thread {
            store.catalog.writeWithoutTransaction { _ in
                entered.signal()
                release.wait()
            }
            done.signal()
        }.start()
        entered.wait()
    }

    /// Lets the connection go and waits until the holding thread let it go.
    func end() {
        release.signal()
        done.wait()
    }
}
