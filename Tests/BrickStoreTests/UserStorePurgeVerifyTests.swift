import BerkeleyDB
import BrickCore
import BrickStore
import Foundation
import Testing

@Suite struct UserStorePurgeVerifyTests {
    @Test func purgeRemovesOnlyItemsDeletedBeforeTheCutoffAndShrinksTheStore() throws {
        try purgeRemovesOnlyItemsDeletedBeforeTheCutoffAndShrinksTheStore(dir: TemporaryDirectory())
    }

    func purgeRemovesOnlyItemsDeletedBeforeTheCutoffAndShrinksTheStore(dir: TemporaryDirectory) throws {
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
        let inbox = try store.ensureFolder(.inbox, run: run1).folder
        let big = (0..<400).map { index in
            makeItem("k\(index)", raw: makeMessage(body: incompressibleText(20_000, seed: index)))
        }
        _ = try store.commit(ChangeBatch(added: big), to: inbox, run: run1)
        let gone = try store.ensureFolder(FolderPath(["Gone"]), run: run1).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("g")]), to: gone, run: run1)
        let run2 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_100_000))
        _ = try store.commit(ChangeBatch(vanished: (0..<300).map { ItemKey("k\($0)") }), to: inbox, run: run2)
        try store.markFolderDeleted(gone.id, run: run2)
        let run3 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_200_000))
        _ = try store.commit(ChangeBatch(vanished: ["k399"]), to: inbox, run: run3)

        let dry = try store.purge(deletedBefore: Date(timeIntervalSince1970: 1_700_150_000), dryRun: true, run: nil)
        #expect(dry.items == 301 && dry.folders == [FolderPath(["Gone"])])
        #expect(try store.count(matching: { var q = ItemQuery(); q.deleted = .yes; return q }()).items == 401)

        let purge = try store.beginRun(kind: "purge")
        let report = try store.purge(deletedBefore: Date(timeIntervalSince1970: 1_700_150_000), dryRun: false, run: purge)
        #expect(report.items == 301)
        #expect(report.diskBytesAfter < report.diskBytesBefore)
        var all = ItemQuery()
        all.deleted = .yes
        let left = try store.items(matching: all)
        #expect(left.count == 100)
        #expect(left.filter(\.isDeleted).map(\.key) == ["k399"])
        #expect(try store.folders(includeDeleted: true).map(\.path) == [.inbox])
        #expect(!FileManager.default.fileExists(atPath: store.layout.url(gone.directory).path))
        let verify = try store.verify()
        #expect(verify.isIntact && verify.problems.isEmpty && verify.itemsChecked == 100)
    }

    @Test func verifyFindsADamagedValueAndAnOrphan() throws {
        let dir = TemporaryDirectory()
        let folderDirectory: String
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            let folder = try store.ensureFolder(.inbox, run: run).folder
            folderDirectory = folder.directory
            _ = try store.commit(ChangeBatch(added: [makeItem("good"), makeItem("bad")]), to: folder, run: run)
        }
        // Damage one value and add one with no row, through Berkeley DB itself.
        do {
            let env = try Environment(home: dir.url.appendingPathComponent("alice/env").path, dataDirectory: "..")
            let db = try BerkeleyDB.Database(file: folderDirectory + "/items.db", in: env)
            var value = try #require(try db.get(Array("bad".utf8)))
            value[value.count - 12] ^= 0x55
            let txn = try env.beginTransaction()
            try db.put(Array("bad".utf8), value, in: txn)
            try db.put(Array("stray".utf8), value, in: txn)
            try txn.commit()
            db.close()
            env.close()
        }
        let store = try openStore(dir.url)
        let report = try store.verify()
        #expect(!report.isIntact)
        #expect(report.problems.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.damagedValue, .orphanValue])
        #expect(report.problems.first { $0.kind == .damagedValue }?.key == "bad")
    }
}

/// Text that LZ4 cannot shrink much: hex digits from a simple PRNG.
func incompressibleText(_ count: Int, seed: Int) -> String {
    var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
    let digits = Array("0123456789abcdef".utf8)
    var bytes = [UInt8](repeating: 0, count: count)
    for index in bytes.indices {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        bytes[index] = digits[Int(state & 15)]
    }
    return String(decoding: bytes, as: UTF8.self)
}
