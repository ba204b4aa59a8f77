import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// A source prepares (hashes and compresses) its next batch while the store writes the
/// one before: what the store knows is looked up at commit, not at prepare.
@Suite struct PreparedBatchTests {
    let raw = makeMessage(body: String(repeating: "Prepared before the batch ahead of it was written.\r\n", count: 200))

    @Test func aBatchPreparedBeforeThePreviousOneWasCommittedStillSharesItsBytes() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        let first = try store.prepare(ChangeBatch(added: [makeItem("1.1", raw: raw)]))
        let second = try store.prepare(ChangeBatch(added: [makeItem("1.2", raw: raw)]))
        let firstOutcome = try store.commit(first, to: inbox, run: run)
        let secondOutcome = try store.commit(second, to: inbox, run: run)

        #expect(firstOutcome.added == 1 && secondOutcome.added == 1)
        let body = try store.catalog.read { db in
            try Row.fetchOne(db, sql: "SELECT body_folder_id, body_key FROM items WHERE key = '1.2'")!
        }
        #expect(body[0] as FolderID? == inbox.id && body[1] as String? == "1.1")
        for key in ["1.1", "1.2"] { #expect(try store.readItem(item(store, .inbox, key)).raw == raw) }
        #expect(try store.verify().isIntact)
    }

    @Test func aPreparedBatchStoresWhatTheSameBatchCommittedDirectlyStores() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run).folder
        let other = makeMessage(body: String(repeating: "Another one.\r\n", count: 50))
        let batch = ChangeBatch(added: [makeItem("a", flags: ItemFlags(system: [.seen]), raw: raw), makeItem("b", raw: other)])
        _ = try store.commit(batch, to: inbox, run: run)
        _ = try store.commit(try store.prepare(batch), to: archive, run: run)

        for key in ["a", "b"] {
            let direct = try store.readItem(item(store, .inbox, key))
            let prepared = try store.readItem(item(store, FolderPath(["Archive"]), key))
            #expect(prepared.raw == direct.raw && prepared.header.flags == direct.header.flags)
        }
    }
}
