import Crypto
import Foundation
import Testing

/// `brick-backup upgrade` rewrites the item files of stores written before page
/// checksums (golden stores of formats 1 and 2) so every file has them, and changes
/// nothing a reader sees.
@Suite(.serialized) struct UpgradeEndToEndTests {
    @Test(arguments: [1, 2]) func anOldStoreGetsPageChecksumsOnEveryFileAndRestoresTheSameBytes(format: Int) throws {
        let work = try Workspace()
        let alice = work.store.appendingPathComponent("alice")
        try FileManager.default.createDirectory(at: work.store, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Tools.packageRoot.appendingPathComponent("Fixtures/golden-stores/format-\(format)/alice"), to: alice)
        let files = try itemFiles(alice)
        #expect(files.count > 1)
        #expect(try files.allSatisfy { try !hasPageChecksums($0) })
        // A copy left by a rewrite that was killed before its swap.
        let stray = URL(fileURLWithPath: files[0].path + ".checksummed")
        try FileManager.default.copyItem(at: files[0], to: stray)

        let listedBefore = try index(alice, ["--deleted", "yes"])
        let restoredBefore = try restoreDigests(alice, into: work.url.appendingPathComponent("before"))
        #expect(!restoredBefore.isEmpty)
        let verifyBefore = try Tools.run("brick-backup", ["verify", alice.path, "--progress", "never"])
        #expect(verifyBefore.status == 0, "\(verifyBefore.stderr)")
        #expect(verifyBefore.stdout.contains("\(files.count) item files were written by an older version without page checksums"), "\(verifyBefore.stdout)")

        let dryRun = try Tools.run("brick-backup", ["upgrade", alice.path, "--dry-run", "--progress", "never"])
        #expect(dryRun.status == 0 && dryRun.stdout.contains("\(files.count) item files without page checksums"), "\(dryRun.stdout)\(dryRun.stderr)")
        #expect(try files.allSatisfy { try !hasPageChecksums($0) })

        let upgrade = try Tools.run("brick-backup", ["upgrade", alice.path, "--progress", "never"])
        #expect(upgrade.status == 0, "\(upgrade.stdout)\(upgrade.stderr)")
        #expect(upgrade.stdout.contains("\(files.count) item files rewritten"), "\(upgrade.stdout)")
        #expect(try itemFiles(alice).count == files.count)
        #expect(try files.allSatisfy { try hasPageChecksums($0) })
        #expect(!FileManager.default.fileExists(atPath: stray.path))

        let verifyAfter = try Tools.run("brick-backup", ["verify", alice.path, "--progress", "never"])
        #expect(verifyAfter.status == 0, "\(verifyAfter.stdout)\(verifyAfter.stderr)")
        #expect(!verifyAfter.stdout.contains("without page checksums"), "\(verifyAfter.stdout)")
        #expect(try index(alice, ["--deleted", "yes"]).map(\.key) == listedBefore.map(\.key))
        #expect(try restoreDigests(alice, into: work.url.appendingPathComponent("after")) == restoredBefore)

        let again = try Tools.run("brick-backup", ["upgrade", alice.path, "--progress", "never"])
        #expect(again.status == 0 && again.stdout.contains("0 item files rewritten"), "\(again.stdout)\(again.stderr)")
        let backup = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"])
        #expect(backup.status == 0, "\(backup.stderr)")
    }

    @Test func upgradeRefusesADirectoryThatIsNoStore() throws {
        let work = try Workspace()
        let result = try Tools.run("brick-backup", ["upgrade", work.url.path, "--progress", "never"])
        #expect(result.status == 2 && result.stderr.contains("is not a Brick user store"), "\(result.stderr)")
    }

    /// The `items.db` files below `userDirectory`, sorted.
    private func itemFiles(_ userDirectory: URL) throws -> [URL] {
        let walker = FileManager.default.enumerator(atPath: userDirectory.path)
        return (walker?.allObjects.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix("/items.db") }.sorted().map { userDirectory.appendingPathComponent($0) }
    }

    /// Byte 26 of a Berkeley DB metadata page holds its `metaflags`; bit 0 is
    /// `DBMETA_CHKSUM` (db_page.h).
    private func hasPageChecksums(_ file: URL) throws -> Bool {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        let head = try handle.read(upToCount: 27) ?? Data()
        return head.count == 27 && head[26] & 0x01 != 0
    }

    /// The SHA-256 of every message a restore of everything (deleted items too) writes as
    /// .eml files, sorted.
    private func restoreDigests(_ userDirectory: URL, into directory: URL) throws -> [String] {
        let result = try Tools.run("brick-restore", [userDirectory.path, "--deleted", "yes", "--to", "eml:\(directory.path)", "--progress", "never"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let walker = FileManager.default.enumerator(atPath: directory.path)
        return try (walker?.allObjects.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".eml") }.map { name in
            SHA256.hash(data: try Data(contentsOf: directory.appendingPathComponent(name))).map { String(format: "%02x", $0) }.joined()
        }.sorted()
    }
}
