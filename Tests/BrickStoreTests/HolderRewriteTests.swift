import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// An item others refer to for their bytes keeps those bytes for them when it is
/// written again with other bytes (docs/FORMAT.md §6).
@Suite struct HolderRewriteTests {
    let original = makeMessage(body: String(repeating: "The bytes other items refer to.\r\n", count: 200))
    let changed = makeMessage(body: String(repeating: "Other bytes under the same key.\r\n", count: 200))

    @Test func aHolderWrittenAgainWithOtherBytesLeavesItsReferrersTheirBytes() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("holder", raw: original)]), to: inbox, run: run)
        _ = try store.commit(ChangeBatch(added: [makeItem("r1", raw: original), makeItem("r2", raw: original)]), to: archive, run: run)
        #expect(try item(store, FolderPath(["Archive"]), "r1").storedSize < 200)

        // The holder's key comes back with other bytes, alongside a new copy of the old ones.
        _ = try store.commit(ChangeBatch(vanished: ["holder"]), to: inbox, run: run)
        _ = try store.commit(ChangeBatch(added: [makeItem("holder", raw: changed), makeItem("new", raw: original)]), to: inbox, run: run)

        #expect(try store.readItem(item(store, .inbox, "holder")).raw == changed)
        #expect(try store.readItem(item(store, FolderPath(["Archive"]), "r1")).raw == original)
        #expect(try store.readItem(item(store, FolderPath(["Archive"]), "r2")).raw == original)
        #expect(try store.readItem(item(store, .inbox, "new")).raw == original)
        let report = try store.verify()
        #expect(report.isIntact && report.problems.isEmpty, "\(report.problems)")
        // The first referrer now holds the bytes; the second refers to it.
        let bodies = try store.catalog.read { db in
            try Row.fetchAll(db, sql: "SELECT key, body_key FROM items WHERE folder_id = ? ORDER BY key", arguments: [archive.id])
                .map { "\($0["key"] as String)=\(($0["body_key"] as String?) ?? "-")" }
        }
        #expect(bodies == ["r1=-", "r2=r1"])
    }

    @Test func aHolderWrittenAgainWithTheSameBytesKeepsItsReferrers() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("holder", raw: original)]), to: inbox, run: run)
        _ = try store.commit(ChangeBatch(added: [makeItem("r1", raw: original)]), to: archive, run: run)
        _ = try store.commit(ChangeBatch(added: [makeItem("holder", raw: original)]), to: inbox, run: run)

        #expect(try item(store, FolderPath(["Archive"]), "r1").storedSize < 200)
        #expect(try store.readItem(item(store, FolderPath(["Archive"]), "r1")).raw == original)
        #expect(try store.verify().problems.isEmpty)
    }
}
