import Foundation
import Testing

/// The acceptance test of the IMAP path, through the built executables and a real
/// Dovecot: fill a user, back it up, change it on the server, back up again, check the
/// catalog; restore into an empty user and compare every message; restore twice.
@Suite(.serialized, .enabled(if: DovecotFixture.available)) struct IMAPRoundTripTests {
    /// Index entries as comparable facts: folder, SHA-256, flags, received date.
    func facts(_ items: [IndexedItem]) -> [String] {
        items.map { "\($0.folder)|\($0.sha256 ?? "")|\($0.flags.sorted().joined(separator: " "))|\($0.received ?? "")" }.sorted()
    }

    @Test func backupChangeBackupRestoreRoundTrip() throws {
        let server = try DovecotFixture()
        let work = try Workspace()
        // Fill alice from the fixtures: back them up from the Maildir, restore into IMAP.
        let fixtures = work.url.appendingPathComponent("fixture-store")
        #expect(try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", fixtures.path]).status == 0)
        let fill = try Tools.run("brick-restore", [fixtures.appendingPathComponent("alice").path, "--to", server.url] + server.adminArguments + ["--progress", "never"])
        #expect(fill.status == 0, "\(fill.stdout)\(fill.stderr)")
        let fixtureCount = try index(fixtures.appendingPathComponent("alice")).count

        // First IMAP backup.
        let store = work.url.appendingPathComponent("imap-store")
        let backupArgs = ["backup", "--source", server.url, "-u", "alice", "--store", store.path, "--progress", "never"] + server.adminArguments
        let first = try Tools.run("brick-backup", backupArgs)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let aliceStore = store.appendingPathComponent("alice")
        let before = try index(aliceStore)
        #expect(before.count == fixtureCount)

        // Change the mailbox on the server.
        try server.doveadm(["flags", "add", "-u", "alice", "\\Flagged", "mailbox", "INBOX", "uid", "1"])
        try server.doveadm(["expunge", "-u", "alice", "mailbox", "INBOX", "uid", "2"])
        try server.doveadm(["save", "-u", "alice", "-m", "INBOX"], input: Data("From: late@example.org\r\nSubject: arrived later\r\nMessage-ID: <late@e2e>\r\n\r\nhi\r\n".utf8))
        try server.doveadm(["mailbox", "rename", "-u", "alice", "Résumé & Notes", "Notes"])
        let draftsCount = before.filter { $0.folder == "Drafts" }.count
        try server.doveadm(["mailbox", "delete", "-u", "alice", "-r", "Drafts"])

        let second = try Tools.run("brick-backup", backupArgs)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        let after = try index(aliceStore, ["--deleted", "yes"])
        let deleted = after.filter { $0.deleted != nil }
        #expect(deleted.count == 1 + draftsCount, "\(deleted.map { "\($0.folder) \($0.key)" })")
        #expect(after.contains { $0.subject == "arrived later" && $0.deleted == nil })
        #expect(after.contains { $0.folder == "INBOX" && $0.flags.contains("\\Flagged") && $0.deleted == nil })
        #expect(!after.contains { $0.folder == "Résumé & Notes" && $0.deleted == nil })
        #expect(after.filter { $0.folder == "Notes" }.count == before.filter { $0.folder == "Résumé & Notes" }.count)

        // A no-change run changes nothing.
        let third = try Tools.run("brick-backup", backupArgs)
        #expect(third.status == 0)
        #expect(try index(aliceStore, ["--deleted", "yes"]).count == after.count)

        // Restore everything present into the empty user bob, then back bob up and compare.
        let restore = ["--to", server.url, "--user", "bob"] + server.adminArguments + ["--progress", "never"]
        let restored = try Tools.run("brick-restore", [aliceStore.path] + restore)
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        let again = try Tools.run("brick-restore", [aliceStore.path] + restore)
        #expect(again.status == 0 && again.stdout.hasPrefix("restored 0,"), "\(again.stdout)")
        let bobBackup = try Tools.run("brick-backup", ["backup", "--source", server.url, "-u", "bob", "--store", store.path, "--progress", "never"] + server.adminArguments)
        #expect(bobBackup.status == 0, "\(bobBackup.stderr)")
        let present = try index(aliceStore)
        let bob = try index(store.appendingPathComponent("bob"))
        #expect(facts(bob) == facts(present), "bob's mailbox differs from alice's backup")

        // Bring back what alice deleted, under a restore root.
        let deletedOnly = try Tools.run("brick-restore", [aliceStore.path, "--deleted", "only", "--restore-root", "Restored"] + restore)
        #expect(deletedOnly.status == 0, "\(deletedOnly.stderr)")
        #expect(deletedOnly.stdout.hasPrefix("restored \(deleted.count),"), "\(deletedOnly.stdout)")
    }
}
