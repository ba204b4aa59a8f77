import BerkeleyDB
import BrickCore
@testable import BrickStore
import Crypto
import Foundation
import Testing

/// A message of `megabytes` MiB whose body is mostly random (LZ4 cannot shrink it), so
/// its frame takes several 4 MiB segments.
func largeMessage(megabytes: Int, subject: String = "Large", seed: UInt64 = 1) -> [UInt8] {
    var generator = SeededGenerator(seed: seed)
    var raw = Array("From: Dana <dana@example.org>\r\nTo: bob@example.org\r\nSubject: \(subject)\r\nMessage-ID: <\(subject)-\(seed)@example.org>\r\n\r\n".utf8)
    raw.reserveCapacity(raw.count + megabytes << 20)
    for _ in 0..<(megabytes << 17) { withUnsafeBytes(of: generator.next()) { raw.append(contentsOf: $0) } }
    raw += Array("\r\nend\r\n".utf8)
    return raw
}

/// A message stored as a segmented LZ4 frame (docs/FORMAT.md §3, body kind 2).
@Suite struct SegmentedValueTests {
    let raw = largeMessage(megabytes: 10)

    func streamed(_ key: String, _ bytes: [UInt8]) -> StreamedItem {
        StreamedItem(key: ItemKey(key), flags: ItemFlags(system: [.seen]), internalDate: Date(timeIntervalSince1970: 1_772_532_000), body: InMemoryByteStream(bytes))
    }

    /// Every record key of the folder's item file, with the store closed.
    func recordKeys(_ root: URL, folderDirectory: String) throws -> [String] {
        let env = try Environment(home: root.appendingPathComponent("alice/env").path, dataDirectory: "..")
        defer { env.close() }
        let db = try BerkeleyDB.Database(file: folderDirectory + "/items.db", in: env)
        defer { db.close() }
        let cursor = try db.cursor()
        defer { cursor.close() }
        var keys: [String] = []
        while let (key, _) = try cursor.next() {
            keys.append(SegmentKey.parse(key).map { SegmentWalk.name(item: $0.item, index: $0.index) } ?? String(decoding: key, as: UTF8.self))
        }
        return keys
    }

    /// Runs `body` on the folder's item file with the store closed, in one transaction.
    func editItemFile(_ root: URL, folderDirectory: String, _ body: (BerkeleyDB.Database, Transaction) throws -> Void) throws {
        let env = try Environment(home: root.appendingPathComponent("alice/env").path, dataDirectory: "..")
        let db = try BerkeleyDB.Database(file: folderDirectory + "/items.db", in: env)
        let txn = try env.beginTransaction()
        try body(db, txn)
        try txn.commit()
        db.close()
        env.close()
    }

    @Test func aStreamedMessageRoundTripsThroughSegmentsWithItsSHA256() throws {
        let dir = TemporaryDirectory()
        let folderDirectory: String
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            folderDirectory = inbox.directory
            var batch = ChangeBatch(added: [makeItem("small")])
            batch.streamed = [streamed("big", raw)]
            let outcome = try store.commit(batch, to: inbox, run: run)
            #expect(outcome.added == 2)

            let big = try item(store, .inbox, "big")
            #expect(big.size == Int64(raw.count) && big.subject == "Large" && big.fromAddress == "dana@example.org")
            #expect(big.sha256 == Array(SHA256.hash(data: raw)))
            #expect(big.storedSize > Int64(raw.count))
            let (header, bytes) = try store.readItem(big)
            #expect(bytes == raw && header.flags.system == [.seen])
            let stream = try store.openBody(big)
            #expect(stream.size == UInt64(raw.count))
            #expect(try stream.readAll() == raw)
            #expect(try stream.readAll() == raw)
            let report = try store.verify()
            #expect(report.isIntact && report.problems.isEmpty && report.itemsChecked == 2)
            #expect(report.bytesChecked >= Int64(raw.count))
        }
        let keys = try recordKeys(dir.url, folderDirectory: folderDirectory)
        #expect(keys == ["big", "big segment 0", "big segment 1", "big segment 2", "small"])
    }

    @Test func verifyFindsAMissingSegmentAndAFlippedByteInASegment() throws {
        let dir = TemporaryDirectory()
        let folderDirectory: String
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            folderDirectory = inbox.directory
            var batch = ChangeBatch()
            batch.streamed = [streamed("gap", raw)]
            _ = try store.commit(batch, to: inbox, run: run)
            batch.streamed = [streamed("flip", largeMessage(megabytes: 10, seed: 2)), streamed("sound", largeMessage(megabytes: 9, seed: 3))]
            _ = try store.commit(batch, to: inbox, run: run)
        }
        try editItemFile(dir.url, folderDirectory: folderDirectory) { db, txn in
            #expect(try db.delete(SegmentKey.key(item: Array("gap".utf8), index: 1), in: txn))
            let key = SegmentKey.key(item: Array("flip".utf8), index: 1)
            var segment = try #require(try db.get(key, in: txn))
            segment[segment.count / 2] ^= 0x20
            try db.put(key, segment, in: txn)
        }
        let store = try openStore(dir.url)
        let report = try store.verify()
        #expect(!report.isIntact)
        #expect(report.problems.map(\.key).sorted() == ["flip", "gap"])
        #expect(report.problems.allSatisfy { $0.kind == .damagedValue })
        #expect(report.problems.first { $0.key == "gap" }?.detail.contains("segment 1") == true)
        #expect(throws: StoreError.self) { try store.openBody(item(store, .inbox, "flip")).readAll() }
        #expect(throws: StoreError.self) { try store.readItem(item(store, .inbox, "gap")) }
        #expect(try store.openBody(item(store, .inbox, "sound")).readAll() == largeMessage(megabytes: 9, seed: 3))
    }

    @Test func purgeRemovesEverySegmentOfAnItem() throws {
        let dir = TemporaryDirectory()
        let folderDirectory: String
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            folderDirectory = inbox.directory
            var batch = ChangeBatch(added: [makeItem("keep")])
            batch.streamed = [streamed("gone", raw)]
            _ = try store.commit(batch, to: inbox, run: run)
            _ = try store.commit(ChangeBatch(vanished: ["gone"]), to: inbox, run: run)
            let report = try store.purge(deletedBefore: Date(timeIntervalSince1970: 1_800_000_000), dryRun: false, run: nil)
            #expect(report.items == 1 && report.orphanValues == 0)
            #expect(try store.verify().problems.isEmpty)
        }
        #expect(try recordKeys(dir.url, folderDirectory: folderDirectory) == ["keep"])
    }

    @Test func aCopyOfALargeMessageRefersToItsHolderAndTakesItsSegmentsWhenTheHolderIsPurged() throws {
        let dir = TemporaryDirectory()
        let folders: (String, String)
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run).folder
            folders = (inbox.directory, archive.directory)
            var batch = ChangeBatch()
            batch.streamed = [streamed("holder", raw)]
            _ = try store.commit(batch, to: inbox, run: run)
            batch.streamed = [streamed("moved", raw)]
            _ = try store.commit(batch, to: archive, run: run)
            let moved = try item(store, FolderPath(["Archive"]), "moved")
            #expect(moved.storedSize < 200)
            #expect(try store.stats().totals.sharedItems == 1)
            #expect(try store.openBody(moved).readAll() == raw)

            _ = try store.commit(ChangeBatch(vanished: ["holder"]), to: inbox, run: run)
            let report = try store.purge(deletedBefore: Date(timeIntervalSince1970: 1_800_000_000), dryRun: false, run: nil)
            #expect(report.items == 1)
            let survivor = try item(store, FolderPath(["Archive"]), "moved")
            #expect(survivor.storedSize > Int64(raw.count))
            #expect(try store.readItem(survivor).raw == raw)
            let verify = try store.verify()
            #expect(verify.isIntact && verify.problems.isEmpty && verify.sharedItems == 0)
        }
        #expect(try recordKeys(dir.url, folderDirectory: folders.0) == [])
        #expect(try recordKeys(dir.url, folderDirectory: folders.1) == ["moved", "moved segment 0", "moved segment 1", "moved segment 2"])
    }

    @Test func aRebuiltCatalogHasOneRowPerLargeItemAndNoneForItsSegments() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            var batch = ChangeBatch(added: [makeItem("small")])
            batch.streamed = [streamed("big", raw)]
            _ = try store.commit(batch, to: inbox, run: run)
        }
        for suffix in ["", "-wal", "-shm"] { unlink(dir.url.appendingPathComponent("alice/catalog.sqlite" + suffix).path) }
        let report = try UserStore.repair(layout: StoreLayout(root: dir.url, user: "alice"))
        #expect(report.itemsRebuilt == 2 && report.undecodableValues == 0 && report.lost.isEmpty)
        let store = try openStore(dir.url)
        let big = try item(store, .inbox, "big")
        #expect(big.subject == "Large" && big.size == Int64(raw.count) && big.storedSize > Int64(raw.count))
        #expect(try store.readItem(big).raw == raw)
        #expect(try store.verify().problems.isEmpty)
    }

    @Test func segmentsOfNoItemAreReportedAsOrphansAndPurged() throws {
        let dir = TemporaryDirectory()
        let folderDirectory: String
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            folderDirectory = inbox.directory
            var batch = ChangeBatch()
            batch.streamed = [streamed("big", raw)]
            _ = try store.commit(batch, to: inbox, run: run)
        }
        try editItemFile(dir.url, folderDirectory: folderDirectory) { db, txn in
            try db.put(SegmentKey.key(item: Array("big".utf8), index: 9), [1, 2, 3], in: txn)
            try db.put(SegmentKey.key(item: Array("nothing".utf8), index: 0), [1, 2, 3], in: txn)
        }
        let store = try openStore(dir.url)
        let report = try store.verify()
        #expect(report.isIntact)
        #expect(report.problems.map(\.kind) == [.orphanValue, .orphanValue])
        #expect(report.problems.map(\.key) == ["big segment 9", "nothing segment 0"])
        let purge = try store.purge(deletedBefore: Date(), dryRun: false, run: nil)
        #expect(purge.orphanValues == 2)
        #expect(try store.verify().problems.isEmpty)
        #expect(try store.readItem(item(store, .inbox, "big")).raw == raw)
    }

    @Test func aLargeMessageThatArrivedWholeIsStoredInSegmentsToo() throws {
        let dir = TemporaryDirectory()
        let folderDirectory: String
        let whole = largeMessage(megabytes: 17, seed: 5)
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            folderDirectory = inbox.directory
            _ = try store.commit(ChangeBatch(added: [makeItem("whole", raw: whole)]), to: inbox, run: run)
            #expect(try store.readItem(item(store, .inbox, "whole")).raw == whole)
        }
        #expect(try recordKeys(dir.url, folderDirectory: folderDirectory).count == 6)
    }

    @Test func aLargeItemWrittenAgainWithFewerSegmentsLeavesNoneBehind() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        var batch = ChangeBatch()
        batch.streamed = [streamed("k", raw)]
        _ = try store.commit(batch, to: inbox, run: run)
        let smaller = largeMessage(megabytes: 5, seed: 9)
        batch.streamed = [streamed("k", smaller)]
        _ = try store.commit(batch, to: inbox, run: run)
        #expect(try store.readItem(item(store, .inbox, "k")).raw == smaller)
        _ = try store.commit(ChangeBatch(added: [makeItem("k")]), to: inbox, run: run)
        #expect(try store.verify().problems.isEmpty)
    }
}
