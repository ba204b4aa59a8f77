import Foundation
import Testing

/// The large message of `LargeMessageEndToEndTests` through off-site bundles: export
/// reads it piece by piece and import writes its segments as they come, plain and
/// encrypted, each process under the same memory bound as backup and restore.
extension LargeMessageEndToEndTests {
    @Test func aMessageOfSeveralHundredMBIsExportedAndImportedInBoundedMemory() throws {
        let work = try Workspace()
        let original = try digest(try writeLargeMessage(work))
        let site = OffsiteWorkspace(work: work)
        try site.backup(["alice"])
        let bound = LargeMessageEndToEndTests.memoryBound

        let export = try Tools.runMeasured("brick-backup", [
            "export", "--target", "offsite", "--to", site.bundles.path, "--store", work.store.path, "--no-encrypt", "--progress", "never",
        ])
        #expect(export.result.status == 0, "\(export.result.stderr)")
        #expect(export.maxResidentKiB < bound, "export peaked at \(export.maxResidentKiB) KiB")
        let imported = try Tools.runMeasured("brick-backup", ["import", site.bundles.path, "--store", site.replica.path, "--progress", "never"])
        #expect(imported.result.status == 0, "\(imported.result.stderr)")
        #expect(imported.maxResidentKiB < bound, "import peaked at \(imported.maxResidentKiB) KiB")
        #expect(try site.differences("alice").isEmpty)
        let verify = try Tools.run("brick-backup", ["verify", site.replica.appendingPathComponent("alice").path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

        // Encrypted: the envelope's chunks are opened as they come, too.
        let key = work.url.appendingPathComponent("vault.key").path
        #expect(try Tools.run("brick-backup", ["keygen", "--out", key]).status == 0)
        let sealedBundles = work.url.appendingPathComponent("sealed")
        let sealed = try Tools.runMeasured("brick-backup", [
            "export", "--target", "vault", "--to", sealedBundles.path, "--store", work.store.path, "--encrypt-to", key + ".pub",
            "--progress", "never",
        ])
        #expect(sealed.result.status == 0, "\(sealed.result.stderr)")
        #expect(sealed.maxResidentKiB < bound, "encrypted export peaked at \(sealed.maxResidentKiB) KiB")
        let opened = work.url.appendingPathComponent("opened")
        let openedImport = try Tools.runMeasured("brick-backup", [
            "import", sealedBundles.path, "--store", opened.path, "--identity", key, "--progress", "never",
        ])
        #expect(openedImport.result.status == 0, "\(openedImport.result.stderr)")
        #expect(openedImport.maxResidentKiB < bound, "encrypted import peaked at \(openedImport.maxResidentKiB) KiB")
        #expect(try site.differences("alice", replica: opened).isEmpty)

        let restored = work.url.appendingPathComponent("restored")
        let restore = try Tools.run("brick-restore", [
            opened.appendingPathComponent("alice").path, "--key", "1772600000.M1P1.large", "--to", "eml:\(restored.path)", "--progress", "never",
        ])
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        #expect(try digest(try restoredFile(under: restored, containing: "1772600000.M1P1.large")) == original)
        print("large message off-site, peak RSS KiB: export \(export.maxResidentKiB), import \(imported.maxResidentKiB), "
            + "encrypted export \(sealed.maxResidentKiB), encrypted import \(openedImport.maxResidentKiB)")
    }
}
