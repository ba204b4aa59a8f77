import Foundation
import Testing

/// The settings options of the built executables on a Maildir: `--sieve-dir` and
/// `--attribute-dict` (with `{user}`) on backup and restore, and `--restore-root`
/// applied to settings.
@Suite(.serialized) struct SettingsCommandLineTests {
    /// alice's Sieve scripts and annotations away from Dovecot's defaults: scripts in
    /// `rules/alice/scripts` (active link in `rules/alice`), annotations in
    /// `attributes/alice.dict` keyed by her INBOX's and Archive/2025/Q1's GUIDs from
    /// the fixture's `dovecot-uidlist` files; ACLs and subscriptions in the Maildir.
    private func aliceElsewhere(_ work: Workspace) throws {
        let rules = DovecotHome(root: work.url.appendingPathComponent("rules/alice"))
        try rules.writeFile("scripts/filters.sieve", "require \"fileinto\";\nfileinto \"Sent\";\n")
        try rules.writeFile("scripts/vacation.sieve", "require \"vacation\";\nvacation \"away\";\n")
        try FileManager.default.createSymbolicLink(
            atPath: rules.root.appendingPathComponent(".dovecot.sieve").path, withDestinationPath: "scripts/filters.sieve")
        try DovecotHome(root: work.url.appendingPathComponent("attributes")).writeFile("alice.dict",
            "priv/7d5b3c2a1f0e9d8c7b6a5f4e3d2c1b0a/comment\ninbox note\n"
            + "shared/0f1e2d3c4b5a69788796a5b4c3d2e1f0/comment\nq1 archive\n"
            + "priv/7d5b3c2a1f0e9d8c7b6a5f4e3d2c1b0a/vendor/vendor.dovecot/pvt/server/comment\nserver note\n")
        let home = DovecotHome(root: work.maildirs.appendingPathComponent("alice"))
        try home.writeFile("Maildir/subscriptions", "V\t2\n\nINBOX\nSent\nGone\n")
        try home.writeFile("Maildir/.Sent/dovecot-acl", "user=bob lrs\n")
    }

    private func backup(_ work: Workspace, source: String, store: URL, _ extra: [String]) throws {
        let result = try Tools.run("brick-backup", ["backup", "--source", source, "-u", "alice", "--store", store.path, "--progress", "never"] + extra)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    private func elsewhere(_ base: URL) -> [String] {
        ["--sieve-dir", base.path + "/rules/{user}/scripts", "--attribute-dict", base.path + "/attributes/{user}.dict"]
    }

    @Test func sieveDirAndAttributeDictFindTheSettingsOnBackupAndPlaceThemOnRestore() throws {
        let work = try Workspace()
        try aliceElsewhere(work)
        let plain = work.url.appendingPathComponent("plain-store")
        try backup(work, source: work.source, store: plain, [])
        #expect(try settings(plain.appendingPathComponent("alice")).allSatisfy { $0.kind == "acl" || $0.kind == "subscriptions" })

        try backup(work, source: work.source, store: work.store, elsewhere(work.url))
        let store = work.store.appendingPathComponent("alice")
        let original = try settings(store)
        #expect(Set(original.map { "\($0.kind)|\($0.folder ?? "")|\($0.name)|\($0.value)" }).isSuperset(of: [
            "sieve|||filters", "sieve||vacation|",
            "metadata|INBOX|/private/comment|inbox note", "metadata|Archive/2025/Q1|/shared/comment|q1 archive",
            "metadata||/private/comment|server note",
        ]), "\(original.map(\.listed))")

        let target = work.url.appendingPathComponent("target")
        let restoreArguments = [store.path, "--settings", "--to", "maildir:\(target.path)/alice/Maildir"] + elsewhere(target)
        let restore = try Tools.run("brick-restore", restoreArguments)
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        let placed = target.appendingPathComponent("rules/alice")
        #expect(FileManager.default.fileExists(atPath: placed.appendingPathComponent("scripts/vacation.sieve").path))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: placed.appendingPathComponent(".dovecot.sieve").path)
            == "scripts/filters.sieve")
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("attributes/alice.dict").path))
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("alice/sieve").path))
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("alice/dovecot-attributes").path))
        let again = try Tools.run("brick-restore", restoreArguments)
        #expect(again.stdout.contains("settings: restored 0,"), "\(again.stdout)\(again.stderr)")

        let readBack = work.url.appendingPathComponent("readback")
        try backup(work, source: "maildir:\(target.path)/{user}/Maildir", store: readBack, elsewhere(target))
        #expect(try settings(readBack.appendingPathComponent("alice")).map(\.identity).sorted() == original.map(\.identity).sorted())
    }

    @Test func restoreRootPutsFolderSettingsAndSubscriptionsUnderItAndLeavesScriptsAndServerAnnotations() throws {
        let work = try Workspace()
        try aliceElsewhere(work)
        try backup(work, source: work.source, store: work.store, elsewhere(work.url))
        let store = work.store.appendingPathComponent("alice")
        let original = try settings(store)
        let target = work.url.appendingPathComponent("target")
        let restore = try Tools.run("brick-restore", [
            store.path, "--settings", "--restore-root", "Restored/2026-11-22", "--to", "maildir:\(target.path)/alice/Maildir",
        ] + elsewhere(target))
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("alice/Maildir/.Restored.2026-11-22.Sent/dovecot-acl").path))

        let readBack = work.url.appendingPathComponent("readback")
        try backup(work, source: "maildir:\(target.path)/{user}/Maildir", store: readBack, elsewhere(target))
        let restored = try settings(readBack.appendingPathComponent("alice"))
        let root = "Restored/2026-11-22/"
        let expected = original.map { setting in
            var moved = setting
            if let folder = setting.folder { moved.folder = root + folder }
            if setting.kind == "subscriptions" { moved.name = root + setting.name }
            return moved.identity
        }
        #expect(restored.map(\.identity).sorted() == expected.sorted())
        #expect(restored.contains { $0.kind == "metadata" && $0.folder == nil && $0.value == "server note" })
        #expect(restored.contains { $0.kind == "subscriptions" && $0.name == root + "Gone" })
    }
}
