import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// The search-index triggers of format 11 keep `item_text` exactly as those of format 7
/// did, for every statement shape that writes item rows, and the migration to format 11
/// leaves an older store's index and search results as they were.
@Suite struct TextTriggerTests {
    /// The triggers of format 7 to 10, as migration `v7-search-hold` wrote them.
    static let formatSevenTriggers = """
        DROP TRIGGER item_text_insert;
        DROP TRIGGER item_text_reinsert;
        DROP TRIGGER item_text_update;
        CREATE TRIGGER item_text_insert AFTER INSERT ON items BEGIN
            INSERT OR REPLACE INTO item_text(rowid, subject, sender, recipients, body)
            VALUES (new.id, \(CatalogSchema.textColumns("new")), COALESCE((SELECT body FROM item_text WHERE rowid = new.id), ''));
        END;
        CREATE TRIGGER item_text_update AFTER UPDATE OF id, subject, from_name, from_addr, to_addrs, cc_addrs ON items BEGIN
            INSERT OR REPLACE INTO item_text(rowid, subject, sender, recipients, body)
            VALUES (new.id, \(CatalogSchema.textColumns("new")), COALESCE((SELECT body FROM item_text WHERE rowid = old.id), ''));
            DELETE FROM item_text WHERE rowid = old.id AND old.id != new.id;
        END;
        """

    /// The statements that write item rows, in the shapes backup (insert, refresh,
    /// flags, body text, body copied from an identical item), import (whole-row
    /// replace of a known id, a kept row moved to a new id), purge and repair use.
    static let writes: [(String, StatementArguments)] = [
        ("INSERT INTO folders(id, name, path, directory, added_run, added_at) VALUES (1, 'INBOX', 'INBOX', 'folders/1', 1, 1)", []),
        (insert, [1, "k1", "Quarterly report München", "alice@example.org", "Alice", "bob@example.org", nil, Data([1])]),
        (insert, [2, "k2", "Lunch", "carol@example.org", nil, "dave@example.org", "erin@example.org", Data([2])]),
        (insert, [3, "k3", nil, nil, nil, nil, nil, Data([1])]),
        ("UPDATE item_text SET body = ? WHERE rowid = ?", ["the merger contract is signed", 1]),
        ("UPDATE item_text SET body = COALESCE((SELECT t.body FROM items j JOIN item_text t ON t.rowid = j.id WHERE j.sha256 = ? AND j.id != ? AND t.body != '' LIMIT 1), '') WHERE rowid = ?", [Data([1]), 3, 3]),
        ("UPDATE items SET subject = ?, from_name = ? WHERE id = ?", ["Quarterly report (final)", "Alice E.", 1]),
        ("UPDATE items SET flags = '\\Seen', deleted_run = 2 WHERE id = ?", [2]),
        ("INSERT OR REPLACE INTO items(id, folder_id, key, subject, from_addr, received_at, size, stored_size, flags, sha256, added_run, added_at) VALUES (1, 1, 'k1', 'Quarterly report replaced', 'alice@example.org', 1, 1, 1, '', x'01', 1, 1)", []),
        ("UPDATE items SET id = (SELECT MAX(id) FROM items) + 1 WHERE id = ?", [3]),
        (insert, [3, "k3b", "Reused id", "frank@example.org", nil, nil, nil, Data([3])]),
        ("DELETE FROM items WHERE id = ?", [2]),
        (insert, [2, "k2", "Lunch again", "carol@example.org", nil, nil, nil, Data([2])]),
    ]

    static let insert = """
        INSERT INTO items(id, folder_id, key, subject, from_addr, from_name, to_addrs, cc_addrs, received_at, size, stored_size, flags, sha256, added_run, added_at)
        VALUES (?, 1, ?, ?, ?, ?, ?, ?, 1, 1, 1, '', ?, 1, 1)
        """

    /// Queries whose answers must not change.
    static let searches = ["munchen", "merger", "contract", "report", "lunch", "reused", "alice", "erin", "final", "replaced"]

    /// The whole index and what each search finds, for comparison.
    static func snapshot(_ db: GRDB.Database) throws -> [String] {
        let rows = try Row.fetchAll(db, sql: "SELECT rowid, subject, sender, recipients, body FROM item_text ORDER BY rowid").map(\.description)
        let hits = try searches.map { word in
            "\(word): \(try Int64.fetchAll(db, sql: "SELECT rowid FROM item_text WHERE item_text MATCH ? ORDER BY rowid", arguments: [word]))"
        }
        return rows + hits
    }

    /// `writes` applied to a new catalog, with the format-7 triggers when `old`.
    static func catalogAfterWrites(old: Bool) throws -> [String] {
        let queue = try DatabaseQueue()
        try CatalogSchema.migrator.migrate(queue)
        return try queue.write { db in
            if old { try db.execute(sql: formatSevenTriggers) }
            for (sql, arguments) in writes { try db.execute(sql: sql, arguments: arguments) }
            return try snapshot(db)
        }
    }

    @Test func everyWriteLeavesTheSameIndexAsTheFormatSevenTriggers() throws {
        let new = try Self.catalogAfterWrites(old: false)
        let old = try Self.catalogAfterWrites(old: true)
        #expect(new == old)
        // The checks are not vacuous: the body survived the import's replace and the
        // copy (id 3, moved to 4), and the reused id holds its own text.
        #expect(new.contains("merger: [1, 4]"))
        #expect(new.contains("replaced: [1]"))
        #expect(new.contains("reused: [3]"))
        #expect(new.contains("lunch: [2]"))
    }

    @Test func theMigrationOfAFormatTenStoreKeepsItsIndexAndSearchResults() throws {
        let dir = TemporaryDirectory()
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/golden-stores/format-10/alice")
        try FileManager.default.copyItem(at: golden, to: dir.url.appendingPathComponent("alice"))
        let catalog = dir.url.appendingPathComponent("alice/catalog.sqlite").path
        let before = try DatabaseQueue(path: catalog).read { try Self.snapshot($0) }
        #expect(before.contains { $0.hasPrefix("munchen: [") && $0 != "munchen: []" })

        let store = try openStore(dir.url)
        let after = try store.readCatalog { db in
            (try Self.snapshot(db),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"),
             try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'"))
        }
        #expect(after.0 == before)
        #expect(after.1 == ["item_text_delete", "item_text_insert", "item_text_reinsert", "item_text_update"])
        #expect(after.2 == "11")

        // The migrated store indexes what the next backup adds.
        let run = try store.beginRun(kind: "backup")
        let (folder, _) = try store.ensureFolder(.inbox, run: run)
        _ = try store.commit(ChangeBatch(added: [makeItem("after-migration", raw: makeMessage(subject: "Zanzibar itinerary"))]), to: folder, run: run)
        try store.finishRun(run, totals: RunTotals(), status: "ok")
        var query = ItemQuery()
        query.text = "zanzibar"
        var found: [String] = []
        try store.forEachItem(matching: query) { found.append($0.key.rawValue) }
        #expect(found == ["after-migration"])
    }
}
