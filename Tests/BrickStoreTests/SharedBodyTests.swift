import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// A message moved or copied between folders is stored once; purge keeps it readable.
@Suite struct SharedBodyTests {
    let raw = makeMessage(body: String(repeating: "The same message in two folders.\r\n", count: 300))

    @Test func bytesAlreadyStoredInAnotherFolderAreStoredAsAReference() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("1.1", raw: raw)]), to: inbox, run: run)
        let outcome = try store.commit(ChangeBatch(added: [makeItem("2.1", flags: ItemFlags(system: [.seen]), raw: raw)]), to: archive, run: run)

        #expect(outcome.added == 1 && outcome.bytes == Int64(raw.count))
        #expect(try catalogBody(store, folder: archive.id, key: "2.1") == BodyReference(folderID: inbox.id, key: "1.1"))
        #expect(try catalogBody(store, folder: inbox.id, key: "1.1") == nil)
        let copy = try item(store, FolderPath(["Archive"]), "2.1")
        #expect(copy.storedSize < 200)
        let (header, bytes) = try store.readItem(copy)
        #expect(bytes == raw && header.flags.system == [.seen])
        let stats = try store.stats()
        #expect(stats.totals.sharedItems == 1)
        let verify = try store.verify()
        #expect(verify.isIntact && verify.problems.isEmpty && verify.sharedItems == 1 && verify.itemsChecked == 2)
    }

    @Test func identicalItemsInOneBatchKeepOneCopy() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("a", raw: raw), makeItem("b", raw: raw), makeItem("c", raw: raw)]), to: inbox, run: run)
        #expect(try catalogBody(store, folder: inbox.id, key: "a") == nil)
        #expect(try catalogBody(store, folder: inbox.id, key: "b") == BodyReference(folderID: inbox.id, key: "a"))
        #expect(try catalogBody(store, folder: inbox.id, key: "c") == BodyReference(folderID: inbox.id, key: "a"))
        for key in ["a", "b", "c"] { #expect(try store.readItem(item(store, .inbox, key)).raw == raw) }
    }

    @Test func anItemThatAlreadyHasARowNeverBecomesAReferenceToItself() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run).folder
        // A Maildir file keeps its name when moved: the same key leaves and comes back.
        _ = try store.commit(ChangeBatch(added: [makeItem("1700000000.M1P2.host", raw: raw)]), to: inbox, run: run)
        _ = try store.commit(ChangeBatch(vanished: ["1700000000.M1P2.host"]), to: inbox, run: run)
        _ = try store.commit(ChangeBatch(added: [makeItem("1700000000.M1P2.host", raw: raw)]), to: archive, run: run)
        _ = try store.commit(ChangeBatch(added: [makeItem("1700000000.M1P2.host", raw: raw)]), to: inbox, run: run)

        #expect(try catalogBody(store, folder: inbox.id, key: "1700000000.M1P2.host") == nil)
        #expect(try catalogBody(store, folder: archive.id, key: "1700000000.M1P2.host") == BodyReference(folderID: inbox.id, key: "1700000000.M1P2.host"))
        #expect(try store.readItem(item(store, FolderPath(["Archive"]), "1700000000.M1P2.host")).raw == raw)
        #expect(try store.verify().problems.isEmpty)
    }

    @Test func purgingTheHolderMovesTheBytesToTheFirstSurvivorAndRepointsTheRest() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
        let inbox = try store.ensureFolder(.inbox, run: run1).folder
        let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run1).folder
        let other = try store.ensureFolder(FolderPath(["Other"]), run: run1).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("h", raw: raw), makeItem("keep")]), to: inbox, run: run1)
        _ = try store.commit(ChangeBatch(added: [makeItem("moved", raw: raw)]), to: archive, run: run1)
        _ = try store.commit(ChangeBatch(added: [makeItem("copied", raw: raw)]), to: other, run: run1)
        let run2 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_100_000))
        _ = try store.commit(ChangeBatch(vanished: ["h"]), to: inbox, run: run2)

        let report = try store.purge(deletedBefore: Date(timeIntervalSince1970: 1_700_200_000), dryRun: false, run: nil)

        #expect(report.items == 1)
        #expect(try catalogBody(store, folder: archive.id, key: "moved") == nil)
        #expect(try catalogBody(store, folder: other.id, key: "copied") == BodyReference(folderID: archive.id, key: "moved"))
        let moved = try item(store, FolderPath(["Archive"]), "moved")
        #expect(moved.storedSize > 200)
        #expect(try store.readItem(moved).raw == raw)
        #expect(try store.readItem(item(store, FolderPath(["Other"]), "copied")).raw == raw)
        let verify = try store.verify()
        #expect(verify.problems.isEmpty && verify.itemsChecked == 3 && verify.sharedItems == 1)
    }

    @Test func purgingADeletedFolderKeepsTheBytesOfItemsMovedOutOfIt() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
        let old = try store.ensureFolder(FolderPath(["Old"]), run: run1).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("1", raw: raw)]), to: old, run: run1)
        let run2 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_100_000))
        let new = try store.ensureFolder(FolderPath(["New"]), run: run2).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("1", raw: raw)]), to: new, run: run2)
        try store.markFolderDeleted(old.id, run: run2)

        let report = try store.purge(deletedBefore: Date(timeIntervalSince1970: 1_700_200_000), dryRun: false, run: nil)

        #expect(report.folders == [FolderPath(["Old"])])
        #expect(!FileManager.default.fileExists(atPath: store.layout.url(old.directory).path))
        #expect(try store.readItem(item(store, FolderPath(["New"]), "1")).raw == raw)
        #expect(try store.verify().problems.isEmpty)
    }

    @Test func purgingTheHolderWithAllItsReferrersRemovesTheBytes() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
        let inbox = try store.ensureFolder(.inbox, run: run1).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("a", raw: raw), makeItem("b", raw: raw)]), to: inbox, run: run1)
        let run2 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_100_000))
        _ = try store.commit(ChangeBatch(vanished: ["a", "b"]), to: inbox, run: run2)
        let report = try store.purge(deletedBefore: Date(timeIntervalSince1970: 1_700_200_000), dryRun: false, run: nil)
        #expect(report.items == 2 && report.orphanValues == 0)
        let verify = try store.verify()
        #expect(verify.problems.isEmpty && verify.itemsChecked == 0)
    }

    @Test func aCopyWithAKnownEmailIDIsRecordedWithoutItsBytes() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run).folder
        var original = makeItem("7.1", raw: makeMessage(from: "Carol <carol@example.com>", subject: "Quarterly"))
        original.emailID = "M6d99ac3275bb4e"
        _ = try store.commit(ChangeBatch(added: [original]), to: inbox, run: run)
        #expect(try store.knownEmailIDs(["M6d99ac3275bb4e", "Mother"]) == ["M6d99ac3275bb4e"])

        let copy = CopiedItem(
            key: "9.4", flags: ItemFlags(system: [.seen, .flagged]), internalDate: Date(timeIntervalSince1970: 1_780_000_000),
            uid: 4, modSeq: 12, emailID: "M6d99ac3275bb4e")
        var batch = ChangeBatch()
        batch.copied = [copy]
        let outcome = try store.commit(batch, to: archive, run: run)

        #expect(outcome.added == 1)
        let stored = try item(store, FolderPath(["Archive"]), "9.4")
        #expect(stored.fromAddress == "carol@example.com" && stored.subject == "Quarterly" && stored.size == Int64(original.raw.count))
        #expect(stored.flags == copy.flags && stored.receivedDate == copy.internalDate && stored.uid == 4)
        #expect(try catalogBody(store, folder: archive.id, key: "9.4") == BodyReference(folderID: inbox.id, key: "7.1"))
        let (header, bytes) = try store.readItem(stored)
        #expect(bytes == original.raw && header.uid == 4 && header.modSeq == 12)
        #expect(try store.verify().problems.isEmpty)

        // A rerun after a crash reports the copy again: nothing changes.
        #expect(try store.commit(batch, to: archive, run: run).added == 0)
    }

    @Test func aCopyWithAnUnknownEmailIDFailsTheBatch() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        var batch = ChangeBatch(token: "t1")
        batch.copied = [CopiedItem(key: "1.1", flags: .none, internalDate: Date(), uid: 1, modSeq: nil, emailID: "Mnowhere")]
        #expect(throws: StoreError.self) { try store.commit(batch, to: inbox, run: run) }
        #expect(try store.folder(at: .inbox)?.syncToken == nil)
    }

    @Test func aStoreOfFormatOneIsMigratedByAReaderWhenNoWriterHoldsIt() throws {
        let dir = TemporaryDirectory()
        let layout = try StoreLayout(root: dir.url, user: "alice")
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            _ = try store.commit(ChangeBatch(added: [makeItem("1", raw: raw)]), to: store.ensureFolder(.inbox, run: run).folder, run: run)
        }
        // Take the catalog back to format 1 as far as v2, v3, v6, v7 and v9 go (what they added
        // is dropped; the tables of v4 and v5 stay, which no migration here depends on).
        let pool = try DatabasePool(path: layout.catalog.path)
        try pool.write { db in
            try db.execute(sql: """
                DROP TRIGGER item_text_insert;
                DROP TRIGGER item_text_reinsert;
                DROP TRIGGER item_text_update;
                DROP TRIGGER item_text_delete;
                DROP TABLE item_text;
                DROP TABLE holds;
                DROP INDEX items_body;
                DROP INDEX items_folder_received;
                DROP INDEX items_email_id;
                DROP INDEX items_kind;
                DROP INDEX items_item_uid;
                ALTER TABLE items DROP COLUMN kind;
                ALTER TABLE items DROP COLUMN item_uid;
                ALTER TABLE items DROP COLUMN ends_at;
                ALTER TABLE items DROP COLUMN open_ended;
                ALTER TABLE folders DROP COLUMN dav_href;
                ALTER TABLE folders DROP COLUMN dav_properties;
                ALTER TABLE items DROP COLUMN email_id;
                ALTER TABLE items DROP COLUMN body_folder_id;
                ALTER TABLE items DROP COLUMN body_key;
                ALTER TABLE runs DROP COLUMN items_skipped;
                ALTER TABLE runs DROP COLUMN folders_skipped;
                UPDATE meta SET value = '1' WHERE key = 'format_version';
                DELETE FROM grdb_migrations WHERE identifier IN ('v2-shared-bodies', 'v3-skip-counts', 'v6-segmented-bodies', 'v7-search-hold', 'v8-sealed-values', 'v9-dav-items');
                """)
        }
        try pool.close()

        let reader = try openStore(dir.url, mode: .readOnly)
        #expect(try reader.readItem(item(reader, .inbox, "1")).raw == raw)
        #expect(try reader.catalog.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'format_version'") } == "9")
    }
}
