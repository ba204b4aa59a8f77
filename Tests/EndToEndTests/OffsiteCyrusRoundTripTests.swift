import BrickTestSupport
import Foundation
import Testing

/// Off-site copies of a Cyrus user, beside the Dovecot round trip: changes made over
/// IMAP as the user (flags, a keyword, expunges, APPEND, MOVE, a rename, a deleted
/// folder and one deleted and created again, a new UIDVALIDITY), backed up and exported
/// three times with a purge in between; the replica built from every bundle equals the
/// primary and verifies.
@Suite(.serialized, .enabled(if: IMAPServerFixture.available(.cyrus))) struct OffsiteCyrusRoundTripTests {
    /// Runs IMAP commands as alice with Python's imaplib; each must answer OK.
    /// A command is `[verb, arguments…]`: select, uid (UID STORE/MOVE/EXPUNGE), append,
    /// rename, delete, create.
    func imap(_ server: IMAPServerFixture, _ commands: [[String]]) throws {
        let script = #"""
        import imaplib, json, sys
        m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
        m.login("alice", "pass-alice")
        for c in json.loads(sys.argv[2]):
            verb, args = c[0], c[1:]
            if verb == "select": r = m.select(args[0])
            elif verb == "uid": r = m.uid(*args)
            elif verb == "append": r = m.append(args[0], None, None, args[1].encode())
            elif verb == "rename": r = m.rename(args[0], args[1])
            elif verb == "delete": r = m.delete(args[0])
            elif verb == "create": r = m.create(args[0])
            if r[0] != "OK": sys.exit("%s: %s" % (c, r))
        m.logout()
        """#
        let json = String(decoding: try JSONSerialization.data(withJSONObject: commands), as: UTF8.self)
        _ = try ChildProcess.run("/usr/bin/python3", ["-c", script, String(server.imapPort), json])
    }

    @Test func aCyrusUsersReplicaEqualsThePrimaryAfterThreeExports() throws {
        let server = try IMAPServerFixture(.cyrus)
        let (site, backupArgs) = try OffsiteWorkspace.onServer(server)
        let work = site.work
        func backupAndExport() throws {
            let result = try Tools.run("brick-backup", backupArgs)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            try site.export()
        }
        try backupAndExport()
        let before = try index(work.store.appendingPathComponent("alice"))
        let inbox = before.filter { $0.folder == "INBOX" }.compactMap { $0.key.split(separator: ".").last.map(String.init) }
            .sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
        try #require(inbox.count >= 5)
        let message = { (subject: String) in "From: late@example.org\r\nSubject: \(subject)\r\nMessage-ID: <\(subject.replacingOccurrences(of: " ", with: "-"))@offsite>\r\n\r\nhi\r\n" }

        try imap(server, [
            ["select", "INBOX"],
            ["uid", "STORE", inbox[0], "+FLAGS", "(\\Flagged)"],
            ["uid", "STORE", inbox[1], "+FLAGS", "($Work)"],
            ["uid", "STORE", inbox[2], "+FLAGS", "(\\Deleted)"],
            ["uid", "EXPUNGE", inbox[2]],
            ["uid", "MOVE", inbox[3], "Sent"],
            ["append", "INBOX", message("arrived later")],
            ["create", "Projects"],
            ["append", "Projects", message("project plan")],
            ["create", "Scratch"],
            ["append", "Scratch", message("scratch note")],
        ])
        try backupAndExport()

        try imap(server, [
            ["rename", "Projects", "Archive/Projects"],
            ["delete", "Scratch"],
            ["delete", "Archive/2025/Q1"],
            ["create", "Archive/2025/Q1"],
            ["append", "Archive/2025/Q1", message("new generation")],
        ])
        let purgeBetween = try Tools.run("brick-backup", backupArgs)
        #expect(purgeBetween.status == 0, "\(purgeBetween.stderr)")
        try site.purge()
        try site.export()

        try imap(server, [
            ["select", "INBOX"],
            ["uid", "STORE", inbox[0], "-FLAGS", "(\\Flagged)"],
            ["uid", "STORE", inbox[4], "+FLAGS", "(\\Deleted)"],
            ["uid", "EXPUNGE", inbox[4]],
        ])
        try backupAndExport()
        #expect(try site.bundleFiles("alice").count == 4)

        let items = try site.importAndCompareAlice()
        #expect(items.contains { $0.folder == "Archive/Projects" && $0.subject == "project plan" && $0.deleted == nil })
        #expect(items.filter { $0.folder == "Archive/2025/Q1" && $0.deleted == nil }.map(\.subject) == ["new generation"])
        #expect(!items.contains { $0.folder == "Scratch" && $0.deleted == nil })
        #expect(try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path]).status == 0)
    }
}
