import BrickCore
@testable import BrickStore
import Foundation
import Testing

/// `export-cursors`, the store's identity and export cursors kept beside the catalog.
@Suite struct ExportCursorFileTests {
    @Test func theTextReadsBackWithNamesThatHoldTabsAndSpaces() throws {
        let file = ExportCursorFile(storeID: "0b6f", targets: [
            .init(name: "vault b\tc", lastSequence: 42, lastDigest: Array(0..<32), lastExportedAt: 1_796_000_000),
            .init(name: "a", lastSequence: 1, lastDigest: Array(repeating: 0xff, count: 32), lastExportedAt: 0),
        ])
        let parsed = try #require(ExportCursorFile(parsing: file.text))
        #expect(parsed.storeID == "0b6f")
        #expect(parsed.targets.map(\.name) == ["a", "vault b\tc"])
        #expect(parsed.targets.last == file.targets.first)
    }

    @Test func aFileThatDoesNotParseIsNotTakenForCursors() {
        #expect(ExportCursorFile(parsing: "") == nil)
        #expect(ExportCursorFile(parsing: "target\t1\t00\t0\tvault\n") == nil)
        #expect(ExportCursorFile(parsing: "store-id\tx\ntarget\tone\t00\t0\tvault\n") == nil)
        #expect(ExportCursorFile(parsing: "store-id\tx\ntarget\t1\t0g\t0\tvault\n") == nil)
        #expect(ExportCursorFile(parsing: "store-id\tx\nsomething else\n") == nil)
    }

    @Test func aRebuiltCatalogKeepsTheStoreIDAndNumbersTheNextBundleAfterTheLast() throws {
        let dir = TemporaryDirectory()
        let layout = try StoreLayout(root: dir.url, user: "alice")
        let storeID: String
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            _ = try store.commit(ChangeBatch(added: [makeItem("one")]), to: inbox, run: run)
            try store.finishRun(run, totals: RunTotals(), status: "ok")
            storeID = try store.storeID()
            try store.recordExport(target: "vault", sequence: 7, run: run.id, digest: Array(repeating: 7, count: 32), at: Date())
        }
        for suffix in ["", "-wal", "-shm"] { unlink(layout.catalog.path + suffix) }
        let report = try UserStore.repair(layout: layout)
        #expect(report.storeIdentityKept && report.exportTargetsKept == ["vault"])
        let store = try openStore(dir.url)
        #expect(try store.storeID() == storeID)
        let cursor = try #require(try store.exportTarget("vault"))
        #expect(cursor.lastSequence == 7 && cursor.lastRun == 0 && cursor.lastDigest == Array(repeating: 7, count: 32))
    }
}
