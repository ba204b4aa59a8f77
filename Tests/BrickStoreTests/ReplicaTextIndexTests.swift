import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// A replica's full-text index when a bundle's item row takes the place of a row with
/// another id (the same folder and key under a new id, or the id of another item, as
/// after the primary's catalog was rebuilt): the replaced row's index entry goes with it,
/// so no item is found by the words of another.
@Suite struct ReplicaTextIndexTests {
    private func search(_ store: UserStore, _ text: String) throws -> [String] {
        var query = ItemQuery()
        query.text = text
        query.deleted = .yes
        return try store.items(matching: query).map(\.key.rawValue).sorted()
    }

    /// Index entries whose id no item row has.
    private func orphanEntries(_ store: UserStore) throws -> [Int64] {
        try store.readCatalog { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM item_text_content WHERE id NOT IN (SELECT id FROM items) ORDER BY id")
        }
    }

    /// k1, a message about a merger.
    static let quarterly = makeItem("k1", raw: makeMessage(subject: "Quarterly report", body: "The merger contract is signed.\r\n"))

    /// A primary whose first run backed up `items` into INBOX, and a replica that
    /// imported it as a full bundle and indexed the messages' text.
    private func shipped(in dir: TemporaryDirectory, _ items: [SourceItem]) throws
        -> (primary: UserStore, replica: UserStore, first: RunHandle, inbox: StoredFolder)
    {
        let primary = try openStore(dir.url.appendingPathComponent("primary"))
        let replica = try openStore(dir.url.appendingPathComponent("replica"))
        let first = try primary.beginRun(kind: "backup")
        let inbox = try primary.ensureFolder(.inbox, run: first).folder
        _ = try primary.commit(ChangeBatch(added: items), to: inbox, run: first)
        try primary.finishRun(first, totals: RunTotals(), status: "ok")
        try ship(primary, after: 0, to: replica, sequence: 1)
        _ = try replica.rebuildTextIndex()
        return (primary, replica, first, inbox)
    }

    @Test func rowsThatChangedIdsKeepNoOtherItemsWords() throws {
        let dir = TemporaryDirectory()
        let lunch = makeMessage(subject: "Lunch", body: "Sandwiches at noon.\r\n")
        let (primary, replica, _, _) = try shipped(in: dir, [Self.quarterly, makeItem("k2", raw: lunch)])
        #expect(try search(replica, "merger") == ["k1"])
        #expect(try search(replica, "sandwiches") == ["k2"])

        // The primary numbers its rows anew (k1 takes k2's id and k2 k1's), and the next
        // full bundle brings them so.
        try primary.withCatalog { db in
            try db.execute(sql: "UPDATE items SET id = id + 100")
            try db.execute(sql: "UPDATE items SET id = 103 - id")
        }
        try ship(primary, after: 0, to: replica, sequence: 2)

        #expect(try search(replica, "sandwiches").contains("k1") == false)
        #expect(try search(replica, "merger").contains("k2") == false)
        #expect(try orphanEntries(replica).isEmpty)
        #expect(try search(replica, "quarterly") == ["k1"])
        #expect(try search(replica, "lunch") == ["k2"])
        // Nothing but index entries went: the values are whole, and indexing the text
        // again finds each message by its own words.
        #expect(try replica.readItem(item(replica, .inbox, "k2")).raw == lunch)
        #expect(try replica.verify().problems.isEmpty)
        _ = try replica.rebuildTextIndex()
        #expect(try search(replica, "merger") == ["k1"])
        #expect(try search(replica, "sandwiches") == ["k2"])
    }

    @Test func aKeyBackUnderANewIdLeavesNoEntryForTheOldIdToPassOn() throws {
        let dir = TemporaryDirectory()
        let (primary, replica, first, inbox) = try shipped(in: dir, [Self.quarterly])

        // k1 comes back under id 7; later another message is given id 1.
        try primary.withCatalog { db in try db.execute(sql: "UPDATE items SET id = 7") }
        try ship(primary, after: 0, to: replica, sequence: 2)
        #expect(try orphanEntries(replica).isEmpty)
        let second = try primary.beginRun(kind: "backup")
        _ = try primary.commit(ChangeBatch(added: [makeItem("k2", raw: makeMessage(subject: "Lunch", body: "Sandwiches.\r\n"))]), to: inbox, run: second)
        try primary.withCatalog { db in try db.execute(sql: "UPDATE items SET id = 1 WHERE key = 'k2'") }
        try primary.finishRun(second, totals: RunTotals(), status: "ok")
        try ship(primary, after: first.id, to: replica, sequence: 3)

        #expect(try search(replica, "merger").contains("k2") == false)
        #expect(try search(replica, "lunch") == ["k2"])
    }

    @Test func rebuildingTheTextIndexDropsEntriesOfIdsNoRowHas() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("k1", raw: makeMessage(subject: "Lunch", body: "Sandwiches.\r\n"))]), to: inbox, run: run)
        // An entry left by an import of an earlier version, for an id no row has.
        try store.withCatalog { db in
            try db.execute(sql: "INSERT INTO item_text(rowid, subject, sender, recipients, body) VALUES (9, 'Quarterly report', '', '', 'merger')")
        }
        #expect(try orphanEntries(store) == [9])
        let result = try store.rebuildTextIndex()
        #expect(result.indexed == 1)
        #expect(try orphanEntries(store).isEmpty)
        #expect(try search(store, "sandwiches") == ["k1"])
    }
}
