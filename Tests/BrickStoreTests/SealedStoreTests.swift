import BerkeleyDB
import BrickCore
@testable import BrickStore
import Foundation
import Testing

/// A store whose item values are sealed with a store key (docs/FORMAT.md §10).
@Suite struct SealedStoreTests {
    let secret = StoreKeySecret.generateKeyFile()

    /// A sealed root in `dir` and a keyring holding its key file.
    func sealedRoot(_ dir: TemporaryDirectory) throws -> StoreKeyring {
        _ = try SealedRoot.create(root: dir.url, secrets: [secret], existingUsers: [])
        let keyring = StoreKeyring()
        keyring.add(secret)
        return keyring
    }

    func open(_ dir: TemporaryDirectory, _ keyring: StoreKeyring, mode: UserStore.Mode = .readWrite) throws -> UserStore {
        try UserStore(layout: StoreLayout(root: dir.url, user: "alice"), user: "alice", mode: mode, keyring: keyring)
    }

    func streamed(_ key: String, _ bytes: [UInt8]) -> StreamedItem {
        StreamedItem(key: ItemKey(key), flags: ItemFlags(system: [.seen]), internalDate: Date(timeIntervalSince1970: 1_772_532_000), body: InMemoryByteStream(bytes))
    }

    /// Writes three items (one small, one copy of it in another folder, one segmented)
    /// and returns the folder directory of INBOX.
    func fill(_ store: UserStore, large: [UInt8]) throws -> String {
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        let body = makeMessage(subject: "Quarterly figures", body: "The secret body text of a sealed message.\r\n")
        var batch = ChangeBatch(added: [makeItem("small", raw: body)])
        batch.streamed = [streamed("big", large)]
        _ = try store.commit(batch, to: inbox, run: run)
        let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("copy", raw: body)]), to: archive, run: run)
        try store.finishRun(run, totals: RunTotals(), status: "ok")
        return inbox.directory
    }

    /// Every regular file under `url`, read whole.
    func allFiles(_ url: URL) throws -> [(String, Data)] {
        let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])!
        return try walker.compactMap { $0 as? URL }.filter { (try $0.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true }
            .map { ($0.path, try Data(contentsOf: $0)) }
    }

    @Test func sealedValuesRoundTripAndNoBodyTextIsInAnyFileOfTheStore() throws {
        let dir = TemporaryDirectory()
        let keyring = try sealedRoot(dir)
        let large = largeMessage(megabytes: 9, subject: "Large sealed")
        do {
            let store = try open(dir, keyring)
            _ = try fill(store, large: large)
            #expect(store.isSealed && !store.isLocked)
            #expect(String(decoding: try store.readItem(item(store, .inbox, "small")).1, as: UTF8.self).contains("secret body text"))
            #expect(try store.openBody(item(store, .inbox, "big")).readAll() == large)
            #expect(String(decoding: try store.readItem(item(store, FolderPath(["Archive"]), "copy")).1, as: UTF8.self).contains("secret body text"))
            let report = try store.verify()
            #expect(report.isIntact && report.problems.isEmpty && report.itemsChecked == 3 && report.sealedNotChecked == 0)
        }
        let needles = ["secret body text", "Quarterly figures", "\r\nend\r\n"].map { Data($0.utf8) }
        // A stretch of the large message's random body, which LZ4 leaves as it is.
        let randomStretch = Data(large[(large.count / 2)..<(large.count / 2 + 64)])
        for (path, bytes) in try allFiles(dir.url) where !path.hasSuffix("catalog.sqlite") && !path.contains("catalog.sqlite-") {
            for needle in needles + [randomStretch] { #expect(bytes.range(of: needle) == nil, "\(path) holds message bytes in clear") }
        }
        let mode = try FileManager.default.attributesOfItem(atPath: dir.url.appendingPathComponent("store-key").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func withoutTheKeyAWriterIsRefusedAndAReaderVerifiesOnlyWhatItCan() throws {
        let dir = TemporaryDirectory()
        let keyring = try sealedRoot(dir)
        _ = try fill(try open(dir, keyring), large: largeMessage(megabytes: 5))
        #expect(throws: StoreError.self) { try open(dir, StoreKeyring()) }
        let reader = try open(dir, StoreKeyring(), mode: .readOnly)
        #expect(reader.isLocked)
        #expect(try reader.items(matching: ItemQuery()).count == 3, "the catalog stays readable")
        #expect(throws: StoreError.self) { try reader.readItem(item(reader, .inbox, "small")) }
        let report = try reader.verify()
        #expect(report.isIntact && report.sealedNotChecked == 3 && report.bytesChecked == 0)

        let stranger = StoreKeyring()
        stranger.add(.generateKeyFile())
        stranger.add(try StoreKeySecret(passphrase: "not the passphrase"))
        do {
            _ = try open(dir, stranger, mode: .readOnly)
            Issue.record("a wrong key opened the store")
        } catch {
            guard case StoreError.wrongKey = error else { Issue.record("unexpected \(error)"); return }
        }
    }

    @Test func aFlippedByteAndARecordCopiedOntoAnotherKeyDoNotOpen() throws {
        let dir = TemporaryDirectory()
        let keyring = try sealedRoot(dir)
        let folderDirectory = try fill(try open(dir, keyring), large: largeMessage(megabytes: 5))
        let env = try Environment(home: dir.url.appendingPathComponent("alice/env").path, dataDirectory: "..")
        let db = try BerkeleyDB.Database(file: folderDirectory + "/items.db", in: env)
        let txn = try env.beginTransaction()
        var small = try #require(try db.get(Array("small".utf8), in: txn))
        #expect(ValueSeal.isSealed(small))
        let segment = try #require(try db.get(SegmentKey.key(item: Array("big".utf8), index: 0), in: txn))
        try db.put(SegmentKey.key(item: Array("big".utf8), index: 1), segment, in: txn)
        try db.put(Array("moved".utf8), small, in: txn)
        small[small.count - 20] ^= 0x01
        try db.put(Array("small".utf8), small, in: txn)
        try txn.commit()
        db.close()
        env.close()

        let store = try open(dir, keyring)
        #expect(throws: StoreError.self) { try store.readItem(item(store, .inbox, "small")) }
        #expect(throws: StoreError.self) { try store.openBody(item(store, .inbox, "big")).readAll() }
        let report = try store.verify()
        #expect(!report.isIntact)
        let damaged = report.problems.filter { $0.kind == .damagedValue }.map(\.key).sorted()
        #expect(damaged == ["big", "copy", "small"], "the copy refers to the damaged small: \(report.problems)")
        #expect(report.problems.contains { $0.kind == .orphanValue && $0.key == "moved" })
        #expect(report.problems.allSatisfy { $0.kind != .damagedValue || $0.detail.contains("authenticate") }, "\(report.problems)")
    }

    @Test func purgeHandsSealedBytesOnAndRepairRebuildsTheCatalogOfASealedStore() throws {
        let dir = TemporaryDirectory()
        let keyring = try sealedRoot(dir)
        let large = largeMessage(megabytes: 5)
        do {
            let store = try open(dir, keyring)
            _ = try fill(store, large: large)
            let run = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            _ = try store.commit(ChangeBatch(vanished: ["small"]), to: inbox, run: run)
            let report = try store.purge(deletedBefore: Date(timeIntervalSince1970: 1_900_000_000), dryRun: false, run: nil)
            #expect(report.items == 1)
            #expect(String(decoding: try store.readItem(item(store, FolderPath(["Archive"]), "copy")).1, as: UTF8.self).contains("secret body text"))
            #expect(try store.verify().problems.isEmpty)
        }
        let catalog = dir.url.appendingPathComponent("alice/catalog.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: catalog.path + suffix) }
        let repaired = try UserStore.repair(layout: StoreLayout(root: dir.url, user: "alice"), keyring: keyring)
        #expect(repaired.catalogProblem != nil)
        let store = try open(dir, keyring, mode: .readOnly)
        #expect(try store.items(matching: ItemQuery()).count == 2)
        #expect(try item(store, .inbox, "big").subject == "Large")
        #expect(try store.verify().problems.isEmpty)
    }

    @Test func aWrappedKeyOpensWithItsKeyFileOrPassphraseOnly() throws {
        let key = StoreKey.generate()
        let passphrase = try StoreKeySecret(passphrase: "correct horse battery staple\n")
        let wrapped = try WrappedStoreKey(key: key, secrets: [secret, passphrase])
        let reread = try WrappedStoreKey(text: wrapped.text, path: "store-key")
        #expect(reread == wrapped)
        #expect(try reread.unwrap(with: secret)?.keyID == key.keyID)
        #expect(try reread.unwrap(with: StoreKeySecret(passphrase: "correct horse battery staple"))?.keyID == key.keyID)
        #expect(try reread.unwrap(with: StoreKeySecret(passphrase: "correct horse battery stapler")) == nil)
        #expect(try reread.unwrap(with: .generateKeyFile()) == nil)
        #expect(!wrapped.text.contains(Hex.encode(key.bytes)))
        #expect(try StoreKeySecret(keyFileText: secret.keyFileText!).keyFileText == secret.keyFileText)
        #expect(throws: StoreError.self) { try StoreKeySecret(keyFileText: "BRICK-UNLOCK-00") }
    }
}

/// The keyring reads its secrets only when a sealed store first asks for its key.
@Suite struct StoreKeyringLoaderTests {
    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func count() -> Int { lock.withLock { value } }
        func add() { lock.withLock { value += 1 } }
    }

    @Test func theLoaderRunsOnceAndOnlyForASealedStore() throws {
        let plain = TemporaryDirectory()
        let sealed = TemporaryDirectory()
        let secret = StoreKeySecret.generateKeyFile()
        _ = try SealedRoot.create(root: sealed.url, secrets: [secret], existingUsers: [])
        let calls = Calls()
        let keyring = StoreKeyring()
        keyring.setLoader { calls.add(); return [secret] }
        _ = try UserStore(layout: StoreLayout(root: plain.url, user: "alice"), user: "alice", mode: .readWrite, keyring: keyring)
        #expect(calls.count() == 0)
        let store = try UserStore(layout: StoreLayout(root: sealed.url, user: "alice"), user: "alice", mode: .readWrite, keyring: keyring)
        #expect(store.isSealed && !store.isLocked && calls.count() == 1)
        _ = try UserStore(layout: StoreLayout(root: sealed.url, user: "bob"), user: "bob", mode: .readWrite, keyring: keyring)
        #expect(calls.count() == 1)
    }

    @Test func aFailingLoaderFailsEveryKeyRequestWithTheSameError() throws {
        let sealed = TemporaryDirectory()
        _ = try SealedRoot.create(root: sealed.url, secrets: [StoreKeySecret.generateKeyFile()], existingUsers: [])
        let keyring = StoreKeyring()
        struct Unreadable: Error, CustomStringConvertible { var description: String { "cannot read $BRICK_STORE_KEY_FILE /nowhere" } }
        keyring.setLoader { throw Unreadable() }
        for _ in 0..<2 {
            #expect(throws: StoreError.self) { try keyring.key(forRoot: sealed.url, user: "alice") }
            do {
                _ = try keyring.key(forRoot: sealed.url, user: "alice")
            } catch {
                #expect("\(error)" == "cannot read $BRICK_STORE_KEY_FILE /nowhere")
            }
        }
    }
}
