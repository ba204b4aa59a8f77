import BrickCore
@testable import BrickStore
import BrickTestSupport
import Foundation
import Testing

/// A backup, purge or restore on a file system that fills up or fails: one
/// `writeFailed` error, never a signal; the store verifies afterwards and the next run
/// completes once space is back (docs/RELIABILITY.md, "Store and disk").
@Suite(.serialized, .enabled(if: ScratchMount.unavailableReason == nil, "\(ScratchMount.unavailableReason ?? "")"))
struct StoreDiskFaultTests {
    /// Commits messages of `size` random bytes one by one until a commit fails; returns
    /// the error and what was committed before it.
    private func commitUntilFailure(_ store: UserStore, size: Int, limit: Int = 200) throws -> (StoreError?, [String: [UInt8]]) {
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        var committed: [String: [UInt8]] = [:]
        for index in 0..<limit {
            let raw = randomMessage(size)
            do {
                _ = try store.commit(ChangeBatch(added: [makeItem("m\(index)", raw: raw)]), to: inbox, run: run)
                committed["m\(index)"] = raw
            } catch {
                return (error, committed)
            }
        }
        return (nil, committed)
    }

    /// A 16 MB tmpfs holding a store of five committed items of 50 KB, closed.
    private func fiveItemsOnATmpfs() throws -> (mount: ScratchMount, root: URL, committed: [String: [UInt8]]) {
        let mount = try ScratchMount(.tmpfs(megabytes: 16))
        let root = mount.url.appendingPathComponent("store")
        let store = try openStore(root)
        let committed = try commitUntilFailure(store, size: 50_000, limit: 5).1
        return (mount, root, committed)
    }

    /// Every item in `expected` reads back with its bytes and the store verifies.
    private func expectIntact(_ root: URL, holding expected: [String: [UInt8]]) throws {
        let store = try openStore(root, mode: .readOnly)
        let report = try store.verify()
        #expect(report.isIntact, "\(report.problems)")
        for item in try store.items(matching: ItemQuery()) {
            let raw = try store.readItem(item).raw
            if let want = expected[item.key.rawValue] { #expect(raw == want, "\(item.key)") }
        }
        #expect(try Set(store.items(matching: ItemQuery()).map(\.key.rawValue)).isSuperset(of: expected.keys))
    }

    private func fillDuringBackup(_ kind: ScratchMount.Kind, messageSize: Int) throws {
        let mount = try ScratchMount(kind)
        let root = mount.url.appendingPathComponent("store")
        var committed: [String: [UInt8]] = [:]
        do {
            let store = try openStore(root)
            let (failure, done) = try commitUntilFailure(store, size: 2_000, limit: 3)
            #expect(failure == nil)
            committed = done
            try mount.fill(leaving: 1 << 20)
            let (error, more) = try commitUntilFailure(store, size: messageSize)
            committed.merge(more.map { ("big-" + $0.key, $0.value) }, uniquingKeysWith: { $1 })
            let failed = try #require(error)
            guard case .writeFailed(_, _, _, let code) = failed else {
                Issue.record("expected writeFailed, got \(failed)")
                return
            }
            #expect(code == ENOSPC)
            #expect("\(failed)".contains("no space left on"))
        }
        committed = committed.filter { !$0.key.hasPrefix("big-") }
        try expectIntact(root, holding: committed)
        mount.release()
        let store = try openStore(root)
        let (after, written) = try commitUntilFailure(store, size: messageSize, limit: 2)
        #expect(after == nil)
        #expect(written.count == 2)
        #expect(try store.verify().isIntact)
    }

    @Test func aFullTmpfsEndsTheBackupWithOneErrorAndTheStoreRecovers() throws {
        try fillDuringBackup(.tmpfs(megabytes: 20), messageSize: 6 << 20)
    }

    @Test func aFullExt4WithFourKiBBlocksEndsTheBackupWithOneErrorAndTheStoreRecovers() throws {
        try fillDuringBackup(.ext4(megabytes: 24, blockSize: 4096), messageSize: 6 << 20)
    }

    @Test func aFullExt4WithOneKiBBlocksEndsTheBackupWithOneErrorAndTheStoreRecovers() throws {
        try fillDuringBackup(.ext4(megabytes: 24, blockSize: 1024), messageSize: 3 << 20)
    }

    @Test func anEightMegabyteMessageOnOneKiBBlocksIsStoredAndRestored() throws {
        let mount = try ScratchMount(.ext4(megabytes: 64, blockSize: 1024))
        let root = mount.url.appendingPathComponent("store")
        let store = try openStore(root)
        let (error, committed) = try commitUntilFailure(store, size: 8 << 20, limit: 1)
        #expect(error == nil)
        try expectIntact(root, holding: committed)
    }

    @Test func aPurgeOnAFullDiskFailsCleanlyAndCompletesOnceSpaceIsBack() throws {
        let mount = try ScratchMount(.ext4(megabytes: 24, blockSize: 4096))
        let root = mount.url.appendingPathComponent("store")
        var kept: [String: [UInt8]] = [:]
        do {
            let store = try openStore(root)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            var items: [SourceItem] = []
            for index in 0..<40 {
                let raw = randomMessage(100_000)
                items.append(makeItem("p\(index)", raw: raw))
                if index % 2 == 1 { kept["p\(index)"] = raw }
            }
            _ = try store.commit(ChangeBatch(added: items), to: inbox, run: run)
            _ = try store.commit(ChangeBatch(vanished: (0..<40).filter { $0 % 2 == 0 }.map { ItemKey("p\($0)") }), to: inbox, run: run)
            try mount.fill()
            do {
                _ = try store.purge(deletedBefore: Date().addingTimeInterval(3600), dryRun: false, run: nil)
            } catch {
                guard case .writeFailed = error else {
                    Issue.record("expected writeFailed, got \(error)")
                    return
                }
            }
        }
        try expectIntact(root, holding: kept)
        mount.release()
        let store = try openStore(root)
        _ = try store.purge(deletedBefore: Date().addingTimeInterval(3600), dryRun: false, run: nil)
        var query = ItemQuery()
        query.deleted = .yes
        #expect(try store.items(matching: query).count == kept.count)
        try expectIntact(root, holding: kept)
    }

    /// A reader of a catalog in WAL mode allocates SQLite's shared-memory index, which
    /// fails with no block free: verify and restore failed with "SQLite error 10: disk
    /// I/O error" on the disk a backup or an import had filled to the last byte.
    @Test func aStoreOnADiskWithNoByteLeftIsReadUnderAHoldThatKeepsWritersOut() throws {
        let (mount, root, committed) = try fiveItemsOnATmpfs()
        try mount.fill()
        var info = statvfs()
        #expect(statvfs(mount.url.path, &info) == 0 && info.f_bavail == 0)
        do {
            let reader = try openStore(root, mode: .readOnly)
            #expect(try reader.items(matching: ItemQuery()).count == 5)
            let refused = #expect(throws: StoreError.self) { _ = try openStore(root) }
            guard case .locked? = refused else {
                Issue.record("expected locked, got \(String(describing: refused))")
                return
            }
            #expect(refused.map { "\($0)" }?.contains("a reader of a store whose disk is full") == true)
        }
        try expectIntact(root, holding: committed)
        mount.release()
        let writer = try openStore(root)
        let (failure, more) = try commitUntilFailure(writer, size: 50_000, limit: 1)
        #expect(failure == nil && more.count == 1)
    }

    @Test func aStoreOnAReadOnlyMountIsListedVerifiedAndRestored() throws {
        let (mount, root, committed) = try fiveItemsOnATmpfs()
        try mount.remount(readOnly: true)
        defer { try? mount.remount(readOnly: false) }
        let store = try openStore(root, mode: .readOnly)
        #expect(try store.stats().totals.items == 5)
        #expect(try store.items(matching: ItemQuery()).count == 5)
        try expectIntact(root, holding: committed)
    }
}

/// A message of `size` random (incompressible) bytes after a short header.
func randomMessage(_ size: Int) -> [UInt8] {
    var bytes = Array("Subject: random\r\nMessage-ID: <\(UUID().uuidString)@example.org>\r\n\r\n".utf8)
    var generator = SystemRandomNumberGenerator()
    var body = [UInt8](repeating: 0, count: size)
    body.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset + 8 <= buffer.count {
            buffer.storeBytes(of: generator.next() as UInt64, toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
    }
    bytes += body
    return bytes
}
