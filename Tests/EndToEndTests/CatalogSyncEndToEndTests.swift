import BrickStore
import Foundation
import Testing

/// A purge deletes values only once the catalog transaction that removed their rows is
/// on disk, and an export's cursor is on disk before the export reports success: the
/// catalog's WAL is synced (the writer runs SQLite with `synchronous = NORMAL`, which
/// syncs it only at checkpoints), so a power cut cannot leave rows whose values are gone
/// or a cursor behind a shipped bundle. That sync is made to fail with an LD_PRELOAD
/// shim (Fixtures/eio-shim); without it, the first sync to fail would be the checkpoint
/// at the purge's end, after the values were deleted, or the silent one at the export's
/// close.
@Suite(.serialized, .enabled(if: eioShimCompiler != nil, "no C compiler (cc) to build the EIO shim"))
struct CatalogSyncEndToEndTests {
    @Test func aPurgeWhoseCatalogCannotBeSyncedDeletesNoValueAndARerunFinishesIt() throws {
        let work = try Workspace()
        let backup = ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]
        #expect(try Tools.run("brick-backup", backup).status == 0)
        let cur = work.maildir("alice").appendingPathComponent("cur")
        let gone = try FileManager.default.contentsOfDirectory(atPath: cur.path).filter { !$0.hasPrefix(".") }.sorted().prefix(2)
        #expect(gone.count == 2)
        for name in gone { try FileManager.default.removeItem(at: cur.appendingPathComponent(name)) }
        #expect(try Tools.run("brick-backup", backup).status == 0)

        let alice = work.store.appendingPathComponent("alice")
        let purge = ["purge", "--older-than", "0", "--store", work.store.path, "-u", "alice"]
        let failed = try Tools.run("brick-backup", purge, environment: try Self.failingCatalogSync(alice, in: work))
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("catalog.sqlite-wal"), "\(failed.stderr)")

        // The rows went (that transaction committed); their values stayed.
        let orphans = try UserStore(layout: StoreLayout(userDirectory: alice), mode: .readWrite).verify()
            .problems.filter { $0.kind == .orphanValue }
        #expect(orphans.count == 2, "\(orphans)")

        let rerun = try Tools.run("brick-backup", purge)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try UserStore(layout: StoreLayout(userDirectory: alice), mode: .readWrite).verify()
        #expect(report.isIntact && report.problems.isEmpty, "\(report.problems)")
    }

    @Test func aPurgeWhoseClosingCheckpointFailsSaysWhatFailedInOneLine() throws {
        let work = try Workspace()
        let backup = ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]
        #expect(try Tools.run("brick-backup", backup).status == 0)
        let cur = work.maildir("alice").appendingPathComponent("cur")
        let gone = try #require(try FileManager.default.contentsOfDirectory(atPath: cur.path).filter { !$0.hasPrefix(".") }.sorted().first)
        try FileManager.default.removeItem(at: cur.appendingPathComponent(gone))
        #expect(try Tools.run("brick-backup", backup).status == 0)

        let alice = work.store.appendingPathComponent("alice")
        var environment = try Self.failingCatalogSync(alice, in: work)
        environment["BRICK_EIO_PASS"] = "2"  // the header's sync and the one before values are deleted
        let failed = try Tools.run("brick-backup", ["purge", "--older-than", "0", "--store", work.store.path, "-u", "alice"], environment: environment)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("input/output error on \(alice.path) while writing catalog.sqlite"), "\(failed.stderr)")
        #expect(!failed.stderr.contains("SQLite error"), "\(failed.stderr)")
    }

    @Test func anExportWhoseCursorCannotBeSyncedFails() throws {
        let work = try Workspace()
        #expect(try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]).status == 0)
        let alice = work.store.appendingPathComponent("alice")
        let bundles = work.url.appendingPathComponent("bundles")
        let export = ["export", "--target", "offsite", "--to", bundles.path, "--store", work.store.path, "-u", "alice", "--no-encrypt", "--progress", "never"]
        let failed = try Tools.run("brick-backup", export, environment: try Self.failingCatalogSync(alice, in: work))
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("catalog.sqlite-wal"), "\(failed.stderr)")
        let written = try FileManager.default.subpathsOfDirectory(atPath: bundles.path).filter { $0.hasSuffix(".bundle") }
        #expect(written.count == 1, "the bundle was written before the cursor: \(written)")
    }

    /// The environment that makes every sync of `user`'s catalog WAL fail but SQLite's
    /// first (a new WAL's header, at the first transaction), through the EIO shim built
    /// into `work`.
    static func failingCatalogSync(_ user: URL, in work: Workspace) throws -> [String: String] {
        let shim = work.url.appendingPathComponent("eio_shim.so").path
        let source = Tools.packageRoot.appendingPathComponent("Fixtures/eio-shim/eio_shim.c").path
        #expect(try Tools.runProgram(eioShimCompiler!, ["-shared", "-fPIC", "-o", shim, source, "-ldl"]).status == 0)
        let trigger = work.url.appendingPathComponent("fail-now")
        #expect(FileManager.default.createFile(atPath: trigger.path, contents: nil))
        return [
            "LD_PRELOAD": shim, "BRICK_EIO_TRIGGER": trigger.path, "BRICK_EIO_CALLS": "fsync,fdatasync", "BRICK_EIO_PASS": "1",
            "BRICK_EIO_UNDER": user.appendingPathComponent("catalog.sqlite-wal").path,
        ]
    }
}

/// The C compiler that builds the EIO shim, if the machine has one.
let eioShimCompiler = ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].first { FileManager.default.isExecutableFile(atPath: $0) }
