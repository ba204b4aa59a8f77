@testable import BrickStore
import Foundation
import GRDB
import Testing

/// How a writer's catalog connection is set up: WAL mode, syncs at checkpoints only, and
/// checkpoints every `walAutocheckpointPages` rather than SQLite's 1,000 pages.
@Suite struct CatalogConnectionTests {
    @Test func aWritersCatalogIsInWALModeAndCheckpointsEvery4000Pages() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let settings = try store.withCatalog { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
             try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint"))
        }
        #expect(settings.0 == "wal")
        #expect(settings.1 == 1, "synchronous = NORMAL")
        #expect(settings.2 == 4000)
        #expect(CatalogConnection.walAutocheckpointPages == 4000)
    }
}
