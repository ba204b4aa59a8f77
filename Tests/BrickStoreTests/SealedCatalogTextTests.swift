import BrickCore
@testable import BrickStore
import Foundation
import Testing

/// A sealed store that seals its catalog text too (docs/FORMAT.md §10.6): subjects,
/// names and addresses sealed per row, senders found through the blind index.
@Suite struct SealedCatalogTextTests {
    let secret = StoreKeySecret.generateKeyFile()

    /// A sealed root sealing catalog text in `dir`, and a keyring holding its key.
    func sealedRoot(_ dir: TemporaryDirectory) throws -> StoreKeyring {
        _ = try SealedRoot.create(root: dir.url, secrets: [secret], existingUsers: [], sealingCatalogText: true)
        let keyring = StoreKeyring()
        keyring.add(secret)
        return keyring
    }

    func open(_ dir: TemporaryDirectory, _ keyring: StoreKeyring, mode: UserStore.Mode = .readWrite) throws -> UserStore {
        try UserStore(layout: StoreLayout(root: dir.url, user: "alice"), user: "alice", mode: mode, keyring: keyring)
    }

    /// Four items from two senders in INBOX, one in Archive; all but `b2` present.
    func fill(_ store: UserStore) throws {
        let run = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        _ = try store.commit(ChangeBatch(added: [
            makeItem("a1", raw: makeMessage(from: "Carol Quinlan <Carol.Quinlan@client-zeta.example>", subject: "Zebrafigures for München")),
            makeItem("a2", raw: makeMessage(from: "Carol Quinlan <carol.quinlan@client-zeta.example>", subject: "Second thoughts")),
            makeItem("b1", raw: makeMessage(from: "Dan Osric <dan.osric@other-kappa.example>", subject: "Lunch")),
            makeItem("b2", raw: makeMessage(from: "Dan Osric <dan.osric@other-kappa.example>", subject: "Obsolete")),
        ]), to: inbox, run: run)
        let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run).folder
        _ = try store.commit(ChangeBatch(added: [
            makeItem("c1", raw: makeMessage(from: "Erin Vantablack <erin@client-zeta.example>", subject: "Old zebrafigures")),
        ]), to: archive, run: run)
        try store.finishRun(run, totals: RunTotals(), status: "ok")
        let later = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_100))
        _ = try store.commit(ChangeBatch(vanished: ["b2"]), to: inbox, run: later)
        try store.finishRun(later, totals: RunTotals(), status: "ok")
    }

    func keys(_ store: UserStore, _ change: (inout ItemQuery) -> Void) throws -> [String] {
        var query = ItemQuery()
        change(&query)
        return try store.items(matching: query).map(\.key.rawValue).sorted()
    }

    @Test func noSubjectNameOrAddressIsInAnyCatalogFile() throws {
        let dir = TemporaryDirectory()
        let keyring = try sealedRoot(dir)
        do {
            let store = try open(dir, keyring)
            try fill(store)
            #expect(store.sealsCatalogText)
            let listed = try store.items(matching: ItemQuery())
            #expect(listed.first { $0.key.rawValue == "a1" }?.subject == "Zebrafigures for München")
            #expect(listed.first { $0.key.rawValue == "a1" }?.fromAddress == "carol.quinlan@client-zeta.example")
        }
        let words = ["Zebrafigures", "zebrafigures", "Quinlan", "quinlan", "client-zeta", "other-kappa", "Osric", "osric", "Vantablack", "Lunch"]
        let walker = FileManager.default.enumerator(at: dir.url.appendingPathComponent("alice"), includingPropertiesForKeys: nil)!
        var catalogFiles = 0
        for case let file as URL in walker where file.lastPathComponent.hasPrefix("catalog.sqlite") {
            catalogFiles += 1
            let bytes = try Data(contentsOf: file)
            for word in words { #expect(bytes.range(of: Data(word.utf8)) == nil, "\(file.lastPathComponent) holds \(word) in clear") }
        }
        #expect(catalogFiles >= 1)
    }

    @Test func senderAndTextFiltersSelectWithTheKey() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir, try sealedRoot(dir))
        try fill(store)
        #expect(try keys(store) { $0.sender = "CAROL.quinlan@client-zeta.example" } == ["a1", "a2"])
        #expect(try keys(store) { $0.sender = "@Client-Zeta.example" } == ["a1", "a2", "c1"])
        #expect(try keys(store) { $0.sender = "@other-kappa.example"; $0.deleted = .yes } == ["b1", "b2"])
        #expect(try keys(store) { $0.sender = "nobody@client-zeta.example" }.isEmpty)
        #expect(try keys(store) { $0.subject = "zebrafigures" } == ["a1", "c1"])
        #expect(try keys(store) { $0.subject = "munchen" } == ["a1"])
        #expect(try keys(store) { $0.text = "osric" } == ["b1"])
        #expect(try keys(store) { $0.text = "zebrafigures"; $0.folders = [FolderPath(["Archive"])] } == ["c1"])
        #expect(try keys(store) { $0.text = "quinlan OR vantablack"; $0.limit = 2 }.count == 2)
    }

    @Test func aRowWhoseTextDoesNotOpenStopsATextSearchInsteadOfMatchingNothing() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir, try sealedRoot(dir))
        try fill(store)
        try store.withCatalog { db in
            try db.execute(sql: "UPDATE items SET sealed_text = zeroblob(64) WHERE key = 'a1'")
        }
        #expect(throws: StoreError.self) { try keys(store) { $0.subject = "zebrafigures" } }
    }

    @Test func withoutTheKeyTextFiltersAreRefusedAndOtherFiltersWork() throws {
        let dir = TemporaryDirectory()
        try fill(try open(dir, try sealedRoot(dir)))
        let store = try open(dir, StoreKeyring(), mode: .readOnly)
        #expect(store.isLocked && store.sealsCatalogText)
        for change: (inout ItemQuery) -> Void in [{ $0.sender = "carol.quinlan@client-zeta.example" }, { $0.sender = "@client-zeta.example" }, { $0.subject = "zebra" }, { $0.text = "lunch" }] {
            do {
                _ = try keys(store, change)
                Issue.record("a text filter worked without the key")
            } catch StoreError.catalogTextSealed(let user) {
                #expect(user == "alice")
            }
        }
        #expect(try keys(store) { $0.folders = [FolderPath(["Archive"])] } == ["c1"])
        #expect(try keys(store) { $0.deleted = .only } == ["b2"])
        #expect(try keys(store) { $0.keys = [ItemKey("a2")] } == ["a2"])
        let listed = try store.items(matching: ItemQuery())
        #expect(listed.count == 4 && listed.allSatisfy { $0.subject == nil && $0.fromAddress == nil })
    }

    @Test func aTextIndexRebuildIsRefusedAndIndexesNothing() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir, try sealedRoot(dir))
        try fill(store)
        #expect(throws: StoreError.self) { _ = try store.rebuildTextIndex() }
        do {
            _ = try store.rebuildTextIndex()
        } catch StoreError.textIndexNotKept(let user) {
            #expect(user == "alice")
        }
        #expect(try !store.indexesText)
    }

    @Test func aHoldOnASenderKeepsItsItemsFromPurge() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir, try sealedRoot(dir))
        try fill(store)
        let run = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_200))
        _ = try store.commit(ChangeBatch(vanished: ["a1", "a2", "b1"]), to: try store.ensureFolder(.inbox, run: run).folder, run: run)
        _ = try store.addHold(LegalHold(reason: "case", sender: "@CLIENT-zeta.example"))
        let report = try store.purge(deletedBefore: .distantFuture, dryRun: false, run: nil)
        #expect(report.items == 2 && report.keptByHold == 2)
        #expect(try keys(store) { $0.deleted = .yes } == ["a1", "a2", "c1"])
    }

    @Test func rowsTravelInClearAndAreSealedAgainWithTheOtherStoresKey() throws {
        let dir = TemporaryDirectory()
        let store = try open(dir, try sealedRoot(dir))
        try fill(store)
        var rows: [CatalogRow] = []
        try store.forEachChangedItem(after: 0) { row, _ in rows.append(row) }
        let a1 = try #require(rows.first { $0["key"]?.text == "a1" })
        #expect(a1["subject"]?.text == "Zebrafigures for München" && a1["from_domain"]?.text == "client-zeta.example")
        #expect(a1["sealed_text"] == nil && a1["from_addr_mac"] == nil)

        let other = TemporaryDirectory()
        let replica = try open(other, try sealedRoot(other))
        let sealed = try replica.storedItemRow(a1)
        #expect(sealed["subject"] == .null && sealed["from_addr"] == .null)
        guard case .blob(let blob)? = sealed["sealed_text"] else { Issue.record("no sealed text"); return }
        #expect(try replica.openedItemRow(sealed)["subject"]?.text == "Zebrafigures for München")
        // The primary's key does not open the replica's seal.
        #expect(throws: StoreError.self) { try store.openedItemRow(sealed) }
        #expect(!blob.isEmpty)
    }
}
