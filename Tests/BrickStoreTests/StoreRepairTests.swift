import BrickCore
import BrickStore
import Foundation
import Testing

@Suite struct StoreRepairTests {
    @Test func repairOfASoundStoreDoesNothing() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            _ = try store.commit(ChangeBatch(added: [makeItem("a")], token: "t1"), to: inbox, run: run)
        }
        let report = try UserStore.repair(layout: StoreLayout(root: dir.url, user: "alice"))
        #expect(report.nothingToDo)
        #expect(try openStore(dir.url).folder(at: .inbox)?.syncToken == "t1")
    }

    @Test func repairRefusesAStoreAWriterHolds() throws {
        let dir = TemporaryDirectory()
        let writer = try openStore(dir.url)
        #expect {
            _ = try UserStore.repair(layout: StoreLayout(root: dir.url, user: "alice"))
        } throws: { error in
            guard case StoreError.locked = error else { return false }
            return true
        }
        withExtendedLifetime(writer) {}
    }

    @Test func lostItemFileDropsItsRowsAndResetsTheTokenSoTheItemsCanComeBack() throws {
        let dir = TemporaryDirectory()
        let archiveDirectory: String
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run).folder
            archiveDirectory = archive.directory
            _ = try store.commit(ChangeBatch(added: [makeItem("i1")], token: "inbox-token"), to: inbox, run: run)
            _ = try store.commit(ChangeBatch(added: [makeItem("a1"), makeItem("a2"), makeItem("a3")], token: "archive-token"), to: archive, run: run)
            let later = try store.beginRun(kind: "backup")
            _ = try store.commit(ChangeBatch(vanished: ["a3"]), to: archive, run: later)
        }
        try FileManager.default.removeItem(at: dir.url.appendingPathComponent("alice/" + archiveDirectory + "/items.db"))
        #expect(try !openStore(dir.url, mode: .readOnly).verify().isIntact)

        let report = try UserStore.repair(layout: StoreLayout(root: dir.url, user: "alice"))
        #expect(report.toRefetch.map(\.key).sorted() == ["a1", "a2"])
        #expect(report.unrecoverable.map(\.key) == ["a3"])
        #expect(report.foldersReset == [FolderPath(["Archive"])])

        let store = try openStore(dir.url)
        #expect(try store.verify().isIntact)
        let archive = try #require(try store.folder(at: FolderPath(["Archive"])))
        #expect(archive.syncToken == nil)
        #expect(try store.folder(at: .inbox)?.syncToken == "inbox-token")
        #expect(try store.presentItems(in: archive.id).isEmpty)
        #expect(try store.runs().last?.kind == "repair")
        // The next backup's full comparison finds them missing and stores them again.
        let run = try store.beginRun(kind: "backup")
        let outcome = try store.commit(ChangeBatch(added: [makeItem("a1"), makeItem("a2")], token: "new"), to: archive, run: run)
        #expect(outcome.added == 2)
        #expect(try store.verify().isIntact)
    }

    @Test func itemFileThatDoesNotOpenIsSetAsideAndItsRowsDropped() throws {
        let dir = TemporaryDirectory()
        let inboxDirectory: String
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            inboxDirectory = inbox.directory
            _ = try store.commit(ChangeBatch(added: [makeItem("i1"), makeItem("i2")], token: "t"), to: inbox, run: run)
        }
        let file = dir.url.appendingPathComponent("alice/" + inboxDirectory + "/items.db")
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }).write(to: file)

        let report = try UserStore.repair(layout: StoreLayout(root: dir.url, user: "alice"))
        #expect(report.itemFilesSetAside.count == 1)
        #expect(report.toRefetch.map(\.key).sorted() == ["i1", "i2"])
        let aside = try #require(report.itemFilesSetAside.first)
        #expect(FileManager.default.fileExists(atPath: aside) && !FileManager.default.fileExists(atPath: file.path))
        let store = try openStore(dir.url)
        #expect(try store.verify().isIntact)
        let run = try store.beginRun(kind: "backup")
        let inbox = try #require(try store.folder(at: .inbox))
        #expect(inbox.syncToken == nil)
        #expect(try store.commit(ChangeBatch(added: [makeItem("i1")]), to: inbox, run: run).added == 1)
        #expect(try store.verify().isIntact)
    }

    @Test func deletedCatalogIsRebuiltAndTheRepairSaysSo() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            _ = try store.commit(ChangeBatch(added: [makeItem("i1"), makeItem("i2")]), to: inbox, run: run)
        }
        for suffix in ["", "-wal", "-shm"] { unlink(dir.url.appendingPathComponent("alice/catalog.sqlite" + suffix).path) }

        let report = try UserStore.repair(layout: StoreLayout(root: dir.url, user: "alice"))
        #expect(report.catalogProblem == "catalog.sqlite is missing" && report.damagedCatalogKeptAt == nil)
        #expect(!report.nothingToDo && report.itemsRebuilt == 2)
        let store = try openStore(dir.url)
        #expect(try store.verify().isIntact)
        #expect(try store.items(matching: ItemQuery()).map(\.key).sorted() == ["i1", "i2"])
    }

    @Test func referenceWhoseHolderIsGoneIsPointedAtAnotherCopyOrDropped() throws {
        let dir = TemporaryDirectory()
        let shared = makeMessage(subject: "shared", messageID: "shared")
        let lonely = makeMessage(subject: "lonely", messageID: "lonely")
        let holderDirectory: String
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let holder = try store.ensureFolder(FolderPath(["Holder"]), run: run).folder
            let referrer = try store.ensureFolder(FolderPath(["Referrer"]), run: run).folder
            let copy = try store.ensureFolder(FolderPath(["Copy"]), run: run).folder
            holderDirectory = holder.directory
            _ = try store.commit(ChangeBatch(added: [makeItem("c", raw: makeMessage(messageID: "first"))]), to: copy, run: run)
            _ = try store.commit(ChangeBatch(added: [makeItem("h", raw: shared), makeItem("l", raw: lonely)]), to: holder, run: run)
            _ = try store.commit(ChangeBatch(added: [makeItem("r", raw: shared), makeItem("rl", raw: lonely)]), to: referrer, run: run)
            // An item that already has a row keeps its own bytes: a second holder of `shared`.
            _ = try store.commit(ChangeBatch(added: [makeItem("c", raw: shared)]), to: copy, run: run)
            #expect(try store.stats().totals.sharedItems == 2)
        }
        try FileManager.default.removeItem(at: dir.url.appendingPathComponent("alice/" + holderDirectory + "/items.db"))

        let report = try UserStore.repair(layout: StoreLayout(root: dir.url, user: "alice"))
        #expect(report.referencesRepointed == 1)
        #expect(report.lost.map(\.key).sorted() == ["h", "l", "rl"])
        #expect(report.lost.first { $0.key == "rl" }?.reason.contains("holding its bytes") == true)
        #expect(Set(report.foldersReset) == [FolderPath(["Holder"]), FolderPath(["Referrer"])])

        let store = try openStore(dir.url)
        #expect(try store.verify().isIntact)
        let item = try #require(try store.items(matching: ItemQuery()).first { $0.key == "r" })
        #expect(try store.readItem(item).raw == shared)
    }

    @Test func unreadableCatalogIsRebuiltFromTheValuesAndTheOldOneKept() throws {
        let dir = TemporaryDirectory()
        let raw = makeMessage(from: "Carol <carol@example.com>", subject: "Quarterly report", messageID: "q1")
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            let nested = try store.ensureFolder(FolderPath(["Projects", "2026"]), run: run).folder
            _ = try store.commit(ChangeBatch(added: [makeItem("k1", flags: ItemFlags(system: [.seen, .flagged], keywords: ["work"]), raw: raw)]), to: inbox, run: run)
            _ = try store.commit(ChangeBatch(added: [makeItem("k2"), makeItem("copy", raw: raw)]), to: nested, run: run)
        }
        let catalog = dir.url.appendingPathComponent("alice/catalog.sqlite")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: catalog.path)[.size] as? Int)
        #expect(truncate(catalog.path, off_t(size / 2)) == 0)
        #expect(throws: StoreError.self) { try openStore(dir.url, mode: .readOnly).verify() }

        let report = try UserStore.repair(layout: StoreLayout(root: dir.url, user: "alice"))
        #expect(report.catalogProblem != nil)
        #expect(report.foldersRebuilt == 3 && report.itemsRebuilt == 3)
        #expect(report.lost.isEmpty)
        let kept = try #require(report.damagedCatalogKeptAt)
        #expect(FileManager.default.fileExists(atPath: kept))

        let store = try openStore(dir.url)
        #expect(try store.verify().isIntact)
        #expect(try store.folders().map(\.path.description) == ["INBOX", "Projects", "Projects/2026"])
        let items = try store.items(matching: ItemQuery())
        let k1 = try #require(items.first { $0.key == "k1" })
        #expect(k1.fromAddress == "carol@example.com" && k1.subject == "Quarterly report" && k1.messageID == "q1@example.org")
        #expect(k1.flags == ItemFlags(system: [.seen, .flagged], keywords: ["work"]))
        #expect(k1.receivedDate == Date(timeIntervalSince1970: 1_772_532_000))
        let copy = try #require(items.first { $0.key == "copy" })
        #expect(copy.subject == "Quarterly report" && copy.folderPath == FolderPath(["Projects", "2026"]))
        #expect(try store.readItem(copy).raw == raw)
        #expect(try store.stats().totals.sharedItems == 1)
    }
}
