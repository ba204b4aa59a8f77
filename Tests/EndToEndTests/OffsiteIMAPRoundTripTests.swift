import BrickStore
import Foundation
import Testing

/// Off-site copies of an IMAP user on a real Dovecot: the replica built from every
/// bundle equals the primary after flags, keywords, expunges, a MOVE, renames, a folder
/// moved to another parent, a deleted folder, a UIDVALIDITY reset and a purge; promoted,
/// it fetches only what changed upstream.
@Suite(.serialized, .enabled(if: IMAPServerFixture.available(.dovecot))) struct OffsiteIMAPRoundTripTests {
    @Test func aDovecotUsersReplicaEqualsThePrimaryAndContinuesIncrementallyWhenPromoted() throws {
        let server = try IMAPServerFixture(.dovecot)
        let (site, backupArgs) = try OffsiteWorkspace.onServer(server)
        let work = site.work
        func backup() throws {
            let result = try Tools.run("brick-backup", backupArgs)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        }
        try backup()
        try site.export()
        let before = try index(work.store.appendingPathComponent("alice"))
        let inbox = before.filter { $0.folder == "INBOX" }.compactMap { UInt32($0.key.split(separator: ".").last ?? "") }.sorted()
        try #require(inbox.count >= 5)

        try server.doveadm(["flags", "add", "-u", "alice", "\\Flagged", "mailbox", "INBOX", "uid", "\(inbox[0])"])
        try server.doveadm(["flags", "add", "-u", "alice", "$Work", "mailbox", "INBOX", "uid", "\(inbox[1])"])
        try server.doveadm(["expunge", "-u", "alice", "mailbox", "INBOX", "uid", "\(inbox[2])"])
        try server.doveadm(["save", "-u", "alice", "-m", "INBOX"], input: Data("From: late@example.org\r\nSubject: arrived later\r\nMessage-ID: <late@offsite>\r\n\r\nhi\r\n".utf8))
        try server.doveadm(["move", "-u", "alice", "Sent", "mailbox", "INBOX", "uid", "\(inbox[3])"])
        try server.doveadm(["mailbox", "rename", "-u", "alice", "Résumé & Notes", "Notes"])
        try backup()
        try site.export()

        try server.doveadm(["mailbox", "delete", "-u", "alice", "-r", "Drafts"])
        try server.doveadm(["mailbox", "rename", "-u", "alice", "Notes", "Archive/Notes"])
        try server.doveadm(["mailbox", "delete", "-u", "alice", "-r", "Archive/2025/Q1"])
        try server.doveadm(["mailbox", "create", "-u", "alice", "Archive/2025/Q1"])
        try server.doveadm(["save", "-u", "alice", "-m", "Archive/2025/Q1"], input: Data("From: again@example.org\r\nSubject: new generation\r\nMessage-ID: <again@offsite>\r\n\r\nhi\r\n".utf8))
        try backup()
        try site.purge()
        try site.export()

        try server.doveadm(["flags", "remove", "-u", "alice", "\\Flagged", "mailbox", "INBOX", "uid", "\(inbox[0])"])
        try server.doveadm(["expunge", "-u", "alice", "mailbox", "INBOX", "uid", "\(inbox[4])"])
        try backup()
        try site.export()

        let items = try site.importAndCompareAlice()
        #expect(items.contains { $0.folder == "Archive/Notes" && $0.deleted == nil })
        #expect(items.filter { $0.folder == "Archive/2025/Q1" }.map(\.subject) == ["new generation"])

        // Promotion: one new message upstream, and the replica fetches just that.
        try server.doveadm(["save", "-u", "alice", "-m", "INBOX"], input: Data("From: after@example.org\r\nSubject: after the disaster\r\nMessage-ID: <after@offsite>\r\n\r\nhi\r\n".utf8))
        let promoted = try Tools.run(
            "brick-backup", ["backup", "--source", server.url, "-u", "alice", "--store", site.replica.path, "--progress", "never"] + server.adminArguments)
        #expect(promoted.status == 0, "\(promoted.stdout)\(promoted.stderr)")
        let store = try UserStore(layout: StoreLayout(userDirectory: site.replica.appendingPathComponent("alice")), mode: .readOnly)
        let last = try #require(try store.runs().last)
        #expect(last.kind == "backup" && last.itemsAdded == 1 && last.itemsUpdated == 0 && last.itemsDeleted == 0,
                "\(last.itemsAdded) added, \(last.itemsUpdated) updated, \(last.itemsDeleted) deleted")
    }
}
