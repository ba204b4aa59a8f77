import Foundation
import Testing

/// Encrypted off-site bundles through the built executables (docs/FORMAT.md §9): the
/// exporting host has public keys only; import and verify need a private key file.
@Suite struct OffsiteEncryptionTests {
    /// Makes a key pair with `keygen` in the workspace; returns the private key's path.
    func keygen(_ site: OffsiteWorkspace, _ name: String) throws -> String {
        let path = site.work.url.appendingPathComponent(name).path
        let made = try Tools.run("brick-backup", ["keygen", "--out", path])
        #expect(made.status == 0, "\(made.stderr)")
        return path
    }

    func mode(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
    }

    @Test func anEncryptedChainRebuildsTheReplicaOnlyWithAPrivateKey() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let operatorKey = try keygen(site, "operator.key")
        let escrowKey = try keygen(site, "escrow.key")
        #expect(try mode(operatorKey) == 0o600)
        #expect(try mode(operatorKey + ".pub") == 0o644)
        let publicKey = try String(contentsOfFile: escrowKey + ".pub", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("brick-public-") }.map(String.init) ?? ""
        let recipients = ["--encrypt-to", operatorKey + ".pub", "--encrypt-to", publicKey]
        let secret = try String(contentsOfFile: operatorKey, encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("BRICK-SECRET-") }.map(String.init) ?? "missing"

        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        var outputs = [try site.export(recipients)]
        let inbox = try mail.messages()
        try mail.setFlags(inbox[0], "FS")
        try mail.addMessage(name: "1800000001.M1P1.sealed", subject: "sealed change")
        try mail.remove(inbox[1])
        try site.backup()
        outputs.append(try site.export(recipients))
        #expect(outputs.allSatisfy { $0.stdout.contains("encrypted for key id") }, "\(outputs.map(\.stdout))")
        let files = try site.bundleFiles("alice")
        #expect(files.count == 2)
        for file in files {
            let bytes = try Data(contentsOf: file)
            #expect(bytes.prefix(8) == Data("BRKCRYPT".utf8))
            #expect(bytes.range(of: Data("sealed change".utf8)) == nil, "no message text in clear")
            #expect(bytes.range(of: Data(secret.utf8)) == nil && bytes.range(of: Data(publicKey.utf8)) == nil)
        }

        let withoutKey = try site.importing([site.bundles.path])
        #expect(withoutKey.status == 4, "\(withoutKey.stdout)\(withoutKey.stderr)")
        #expect(withoutKey.stderr.contains("no matching identity"), "\(withoutKey.stderr)")
        #expect(!FileManager.default.fileExists(atPath: site.replica.appendingPathComponent("alice/catalog.sqlite").path))
        let stranger = try keygen(site, "stranger.key")
        #expect(try site.importing([site.bundles.path], ["--identity", stranger]).status == 4)
        let openKey = site.work.url.appendingPathComponent("open.key").path
        try FileManager.default.copyItem(atPath: operatorKey, toPath: openKey)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: openKey)
        let refusedMode = try site.importing([site.bundles.path], ["--identity", openKey])
        #expect(refusedMode.status == 2 && refusedMode.stderr.contains("chmod 600"), "\(refusedMode.stderr)")

        let imported = try site.importing([site.bundles.path], ["--identity", stranger, "--identity", escrowKey])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        #expect(try site.differences("alice").isEmpty)
        for output in outputs + [imported, withoutKey] {
            #expect(!(output.stdout + output.stderr).contains(secret), "the private key never appears in output")
        }

        let list = try Tools.run("brick-backup", ["bundles", "list", site.bundles.path])
        #expect(list.status == 0 && !list.stdout.contains("not encrypted"), "\(list.stdout)")
        let verifyBlind = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(verifyBlind.status == 0 && verifyBlind.stdout.contains("records not checked"), "\(verifyBlind.stdout)")
        let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path, "--identity", operatorKey])
        #expect(verify.status == 0 && !verify.stdout.contains("records not checked"), "\(verify.stdout)")
    }

    @Test func aModifiedChunkIsRefusedAndNothingIsApplied() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let key = try keygen(site, "operator.key")
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        try site.export(["--encrypt-to", key + ".pub"])
        try mail.addMessage(name: "1800000001.M1P1.flip", subject: "flipped")
        try site.backup()
        try site.export(["--encrypt-to", key + ".pub"])
        let files = try site.bundleFiles("alice")
        #expect(try site.importing([files[0].path], ["--identity", key]).status == 0)
        let replicaStore = site.replica.appendingPathComponent("alice")
        let before = try StoreComparison.Snapshot(replicaStore)

        var bytes = try Data(contentsOf: files[1])
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: files[1])
        let refused = try site.importing([files[1].path], ["--identity", key])
        #expect(refused.status == 4, "\(refused.stdout)\(refused.stderr)")
        #expect(try StoreComparison.Snapshot(replicaStore) == before)
        let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path, "--identity", key])
        #expect(verify.status == 4 && verify.stdout.contains("0000000002.bundle"), "\(verify.stdout)")
        let blind = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(blind.status == 4, "the envelope's digest catches the damage without a key: \(blind.stdout)")

        let replay = try site.importing([files[0].path], ["--identity", key])
        #expect(replay.status == 0 && replay.stdout.contains("already applied"), "\(replay.stdout)")
        #expect(try StoreComparison.Snapshot(replicaStore) == before)
    }

    @Test func exportRefusesToChooseClearTextSilently() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        try site.backup()
        let result = try Tools.run(
            "brick-backup", ["export", "--target", "offsite", "--to", site.bundles.path, "--store", site.work.store.path])
        #expect(result.status == 2 && result.stderr.contains("--no-encrypt"), "\(result.stderr)")
        let clear = try site.export()
        #expect(clear.stdout.contains("NOT ENCRYPTED"), "\(clear.stdout)")
        let list = try Tools.run("brick-backup", ["bundles", "list", site.bundles.path])
        #expect(list.stdout.contains("NONE") && list.stdout.contains("1 bundles are not encrypted"), "\(list.stdout)")
    }
}
