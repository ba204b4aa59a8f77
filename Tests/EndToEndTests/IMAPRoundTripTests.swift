import Foundation
import Testing

/// The acceptance test of the IMAP path, through the built executables and a real
/// Dovecot: fill a user, back it up, change it on the server, back up again, check the
/// catalog; restore into an empty user and compare every message; restore twice. Then
/// the same round trip on Cyrus, with copies recorded by EMAILID.
@Suite(.serialized, .enabled(if: IMAPServerFixture.available(.dovecot))) struct IMAPRoundTripTests {
    /// Index entries as comparable facts: folder, SHA-256, flags, received date.
    func facts(_ items: [IndexedItem]) -> [String] {
        items.map { "\($0.folder)|\($0.sha256 ?? "")|\($0.flags.sorted().joined(separator: " "))|\($0.received ?? "")" }.sorted()
    }

    @Test func backupChangeBackupRestoreRoundTrip() throws {
        let server = try IMAPServerFixture(.dovecot)
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

        // Change the mailbox on the server: flags, a keyword, an expunge, new mail, a MOVE,
        // a rename, a deleted folder, and a UIDVALIDITY reset (folder deleted and made anew).
        let inboxUIDs = before.filter { $0.folder == "INBOX" }.map(uid(of:)).sorted()
        try #require(inboxUIDs.count >= 4)
        let movedUID = inboxUIDs[3]
        let moved = try #require(before.first { $0.folder == "INBOX" && uid(of: $0) == movedUID })
        try server.doveadm(["flags", "add", "-u", "alice", "\\Flagged", "mailbox", "INBOX", "uid", "\(inboxUIDs[0])"])
        try server.doveadm(["flags", "add", "-u", "alice", "$Work", "mailbox", "INBOX", "uid", "\(inboxUIDs[2])"])
        try server.doveadm(["expunge", "-u", "alice", "mailbox", "INBOX", "uid", "\(inboxUIDs[1])"])
        try server.doveadm(["save", "-u", "alice", "-m", "INBOX"], input: Data("From: late@example.org\r\nSubject: arrived later\r\nMessage-ID: <late@e2e>\r\n\r\nhi\r\n".utf8))
        try server.doveadm(["move", "-u", "alice", "Sent", "mailbox", "INBOX", "uid", "\(movedUID)"])
        try server.doveadm(["mailbox", "rename", "-u", "alice", "Résumé & Notes", "Notes"])
        let draftsCount = before.filter { $0.folder == "Drafts" }.count
        try server.doveadm(["mailbox", "delete", "-u", "alice", "-r", "Drafts"])
        let resetCount = before.filter { $0.folder == "Archive/2025/Q1" }.count
        try server.doveadm(["mailbox", "delete", "-u", "alice", "-r", "Archive/2025/Q1"])
        try server.doveadm(["mailbox", "create", "-u", "alice", "Archive/2025/Q1"])
        try server.doveadm(["save", "-u", "alice", "-m", "Archive/2025/Q1"], input: Data("From: again@example.org\r\nSubject: new generation\r\nMessage-ID: <again@e2e>\r\n\r\nhi\r\n".utf8))

        let second = try Tools.run("brick-backup", backupArgs)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        let after = try index(aliceStore, ["--deleted", "yes"])
        let deleted = after.filter { $0.deleted != nil }
        #expect(deleted.count == 2 + draftsCount + resetCount, "\(deleted.map { "\($0.folder) \($0.key)" })")
        #expect(after.contains { $0.subject == "arrived later" && $0.deleted == nil })
        #expect(after.contains { $0.folder == "INBOX" && $0.flags.contains("\\Flagged") && $0.deleted == nil })
        #expect(after.contains { $0.folder == "INBOX" && $0.flags.contains("$Work") && $0.deleted == nil })
        #expect(!after.contains { $0.folder == "Résumé & Notes" && $0.deleted == nil })
        #expect(after.filter { $0.folder == "Notes" }.count == before.filter { $0.folder == "Résumé & Notes" }.count)
        #expect(after.filter { $0.folder == "Archive/2025/Q1" && $0.deleted == nil }.map(\.subject) == ["new generation"])
        #expect(after.contains { $0.folder == "Sent" && $0.sha256 == moved.sha256 && $0.deleted == nil })
        #expect(after.contains { $0.folder == "INBOX" && $0.key == moved.key && $0.deleted != nil })
        // The catalog agrees with the server, message by message.
        #expect(try serverFacts(server, user: "alice") == Set(after.filter { $0.deleted == nil }.map { "\($0.folder)|\(uid(of: $0))|\(flagText($0.flags))" }))
        // Identical bytes are stored once: the moved message, and any copies among the fixtures.
        let shared = after.count - Set(after.compactMap(\.sha256)).count
        let stats = try Tools.run("brick-backup", ["stats", aliceStore.path])
        #expect(shared >= 1 && stats.stdout.contains("shared: \(shared) items"), "\(stats.stdout)")
        #expect(try Tools.run("brick-backup", ["verify", aliceStore.path, "--progress", "never"]).status == 0)

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

    @Test(.enabled(if: IMAPServerFixture.available(.cyrus)))
    func cyrusBackupCopiesAndRestoreRoundTrip() throws {
        let server = try IMAPServerFixture(.cyrus)
        let work = try Workspace()
        let fixtures = work.url.appendingPathComponent("fixture-store")
        #expect(try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", fixtures.path]).status == 0)
        let fixtureStore = fixtures.appendingPathComponent("alice")
        let fill = try Tools.run("brick-restore", [fixtureStore.path, "--to", server.url] + server.adminArguments + ["--progress", "never"])
        #expect(fill.status == 0, "\(fill.stdout)\(fill.stderr)")

        let store = work.url.appendingPathComponent("imap-store")
        let backupArgs = ["backup", "--source", server.url, "-u", "alice", "--store", store.path, "--progress", "never"] + server.adminArguments
        let first = try Tools.run("brick-backup", backupArgs)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let aliceStore = store.appendingPathComponent("alice")
        #expect(try index(aliceStore).count == index(fixtureStore).count)

        // Copy INBOX into another folder on the server: Cyrus gives the copies the
        // EMAILIDs of the originals, so the next backup records them without their bytes.
        let inboxCount = try index(fixtureStore, ["--folder", "INBOX"]).count
        let copy = try Tools.run("brick-restore", [fixtureStore.path, "--folder", "INBOX", "--restore-root", "Copies", "--to", server.url]
            + server.adminArguments + ["--progress", "never"])
        #expect(copy.status == 0 && copy.stdout.hasPrefix("restored \(inboxCount),"), "\(copy.stdout)\(copy.stderr)")
        let second = try Tools.run("brick-backup", backupArgs)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        let after = try index(aliceStore)
        let copies = after.filter { $0.folder == "Copies/INBOX" }
        #expect(copies.count == inboxCount)
        let inboxDigests = Set(after.filter { $0.folder == "INBOX" }.compactMap(\.sha256))
        #expect(copies.allSatisfy { inboxDigests.contains($0.sha256 ?? "") })
        let shared = after.count - Set(after.compactMap(\.sha256)).count
        let stats = try Tools.run("brick-backup", ["stats", aliceStore.path])
        #expect(shared >= inboxCount && stats.stdout.contains("shared: \(shared) items"), "\(stats.stdout)")
        #expect(try Tools.run("brick-backup", ["verify", aliceStore.path, "--progress", "never"]).status == 0)

        // Restore into the empty user bob, back bob up, and compare.
        let restored = try Tools.run("brick-restore", [aliceStore.path, "--to", server.url, "--user", "bob"] + server.adminArguments + ["--progress", "never"])
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        let bobBackup = try Tools.run("brick-backup", ["backup", "--source", server.url, "-u", "bob", "--store", store.path, "--progress", "never"] + server.adminArguments)
        #expect(bobBackup.status == 0, "\(bobBackup.stderr)")
        #expect(facts(try index(store.appendingPathComponent("bob"))) == facts(after), "bob's mailbox differs from alice's backup")
    }

    @Test(.enabled(if: IMAPServerFixture.available(.cyrus)))
    func allUsersOfCyrusAreListedByItsAdmin() throws {
        let server = try IMAPServerFixture(.cyrus)
        let work = try Workspace()
        let store = work.url.appendingPathComponent("store")
        let backup = try Tools.run("brick-backup", ["backup", "--source", server.url, "--all-users", "--store", store.path, "--progress", "never"] + server.adminArguments)
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        let stores = try FileManager.default.contentsOfDirectory(atPath: store.path).sorted()
        #expect(stores == ["alice", "bob", "carol", "dave"])
        let withoutAdmin = try Tools.run("brick-backup", ["backup", "--source", server.url, "--all-users", "--store", store.path, "--tls", "never", "--password-file", server.adminPasswordFile.path])
        #expect(withoutAdmin.status == 2 && withoutAdmin.stderr.contains("--admin-user"), "\(withoutAdmin.stderr)")
    }

    @Test(.enabled(if: IMAPServerFixture.available(.dovecot)))
    func allUsersOfDovecotIsRefusedWithAClearLine() throws {
        let server = try IMAPServerFixture(.dovecot)
        let work = try Workspace()
        let backup = try Tools.run("brick-backup", ["backup", "--source", server.url, "--all-users", "--store", work.store.path, "--progress", "never"] + server.adminArguments)
        #expect(backup.status == 2)
        #expect(backup.stderr.split(separator: "\n").count == 1 && backup.stderr.contains("--users-file"), "\(backup.stderr)")
    }

    /// The UID in an IMAP item key (`UIDVALIDITY.UID`).
    func uid(of item: IndexedItem) -> UInt32 {
        UInt32(item.key.split(separator: ".").last ?? "") ?? 0
    }

    /// Flags in one canonical text, without `\Recent`.
    func flagText(_ flags: [String]) -> String {
        flags.filter { $0 != "\\Recent" }.sorted().joined(separator: " ")
    }

    /// Every message the server holds for `user` as `folder|uid|flags`.
    func serverFacts(_ server: IMAPServerFixture, user: String) throws -> Set<String> {
        let output = try server.doveadm(["-f", "tab", "fetch", "-u", user, "mailbox uid flags", "all"])
        return Set(output.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let flags = fields.count > 2 ? fields[2].split(separator: " ").map(String.init) : []
            return "\(fields[0])|\(fields[1])|\(flagText(flags))"
        })
    }
}
