import BrickCore
@testable import BrickStore
@testable import BrickSync
import Foundation
import GRDB
import Testing

/// The sink prepares a batch while the one before is written, and still writes the
/// batches in the order given, each after the one before is durable; a batch's catalog
/// transaction commits beside the next batch's values, and after a failed one no later
/// batch of the folder gets rows.
@Suite struct StoreSinkTests {
    private func message(_ index: Int, size: Int) -> [UInt8] {
        var text = "From: a@example.org\r\nSubject: \(index)\r\nMessage-ID: <\(index)@example.org>\r\n\r\n"
        while text.utf8.count < size { text += "line \(index) of a message body\r\n" }
        return Array(text.utf8)
    }

    /// A new store under a temporary directory (the caller removes it), a run begun,
    /// and its inbox.
    private func storeWithInbox() throws -> (URL, UserStore, RunHandle, StoredFolder) {
        let root = syncTestDirectory()
        let store = try UserStore(layout: StoreLayout(root: root, user: "alice"), user: "alice", mode: .readWrite)
        let run = try store.beginRun(kind: "backup")
        return (root, store, run, try store.ensureFolder(.inbox, run: run).folder)
    }

    private func item(_ key: String, _ index: Int, size: Int = 2_000) -> SourceItem {
        SourceItem(key: ItemKey(key), flags: .none, internalDate: Date(timeIntervalSince1970: 1_772_532_000), uid: nil,
                   raw: message(index, size: size))
    }

    @Test func laterBatchesSeeTheWritesOfEarlierOnesAndEveryItemIsStoredOnce() async throws {
        let (root, store, run, folder) = try storeWithInbox()
        defer { try? FileManager.default.removeItem(at: root) }
        let sink = StoreSink(store: store, folder: folder, run: run, progress: nil)
        // Ten batches; each deletes the first item of the batch before it and changes the
        // flags of its second, which only works when that batch's rows are there.
        for batch in 0..<10 {
            var change = ChangeBatch(added: (0..<20).map { item("\(batch).\($0)", batch * 100 + $0, size: $0 == 0 ? 300_000 : 2_000) })
            if batch > 0 {
                change.vanished = [ItemKey("\(batch - 1).0")]
                change.flagChanges = [FlagChange(key: ItemKey("\(batch - 1).1"), flags: ItemFlags(system: .seen))]
            }
            change.token = "t\(batch)"
            try await sink.commit(change)
        }
        try await sink.finish()
        #expect(sink.outcome.added == 200)

        var query = ItemQuery()
        query.deleted = .yes
        let items = try store.items(matching: query)
        #expect(items.count == 200)
        for batch in 0..<9 {
            #expect(items.first { $0.key.rawValue == "\(batch).0" }?.isDeleted == true)
            #expect(items.first { $0.key.rawValue == "\(batch).1" }?.flags == ItemFlags(system: .seen))
        }
        #expect(items.first { $0.key.rawValue == "9.0" }?.isDeleted == false)
        #expect(try store.folder(at: .inbox)?.syncToken == "t9")
        #expect(try store.verify().isIntact)
    }

    @Test func aFailedCatalogTransactionFailsTheFolderAndLeavesOnlyWholeBatchesBeforeIt() async throws {
        let (root, store, run, folder) = try storeWithInbox()
        defer { try? FileManager.default.removeItem(at: root) }
        try await store.catalog.writeWithoutTransaction { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER refuse_one BEFORE INSERT ON items WHEN NEW.key = '2.0'
                BEGIN SELECT RAISE(ABORT, 'refused'); END
                """)
        }
        let sink = StoreSink(store: store, folder: folder, run: run, progress: nil)
        var failure: (any Error)?
        do {
            for batch in 0..<6 {
                var change = ChangeBatch(added: (0..<5).map { item("\(batch).\($0)", batch * 100 + $0) })
                change.token = "t\(batch)"
                try await sink.commit(change)
            }
            try await sink.finish()
        } catch {
            failure = error
            try? await sink.finish()
        }

        // Batch 2's transaction fails, and with it the batches before it that share
        // that transaction (CatalogPipeline): what stays is whole batches before 2, in
        // order, with the token of the last of them.
        #expect(failure is StoreError)
        let keys = Set(try store.items(matching: ItemQuery()).map(\.key.rawValue))
        let kept = (0...2).first { batch in keys == Set((0..<batch).flatMap { earlier in (0..<5).map { "\(earlier).\($0)" } }) }
        #expect(kept != nil, "\(keys.sorted())")
        if let kept {
            #expect(sink.outcome.added == kept * 5)
            #expect(try store.folder(at: .inbox)?.syncToken == (kept == 0 ? nil : "t\(kept - 1)"))
        }
    }
}
