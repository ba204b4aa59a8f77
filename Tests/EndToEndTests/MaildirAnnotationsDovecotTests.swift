import BrickTestSupport
import Foundation
import Testing

/// Annotations of a Maildir, in Dovecot's attribute dictionary file, against the real
/// Dovecot test server (`mail_attribute_dict = file:%h/dovecot-attributes`): set over
/// IMAP with SETMETADATA, backed up from the Maildir directly, restored into another
/// user's Maildir and into another user over IMAP, and read back with GETMETADATA.
@Suite(.serialized, .enabled(if: IMAPServerFixture.available(.dovecot))) struct MaildirAnnotationsDovecotTests {
    /// Where each annotation is set, as GETMETADATA asks for it.
    private let entries = [
        ("INBOX", "/private/comment"), ("Shared", "/shared/comment"), ("Shared", "/private/vendor/brick/multi"),
        ("Projects/2026", "/private/comment"), ("\"\"", "/private/comment"), ("\"\"", "/shared/comment"),
    ]

    private func prepareAlice(_ server: IMAPServerFixture) throws {
        try server.doveadm(["mailbox", "create", "-u", "alice", "Shared", "Projects/2026"])
        let alice = try LineIMAPClient(port: server.imapPort)
        try alice.run("LOGIN alice pass-alice")
        try alice.run("SETMETADATA INBOX (/private/comment \"inbox note\")")
        try alice.run("SETMETADATA Shared (/shared/comment \"team folder\" /private/vendor/brick/multi "
            + LineIMAPClient.argument("two\nlines\twith a tab") + ")")
        try alice.run("SETMETADATA Projects/2026 (/private/comment \"deep\")")
        try alice.run("SETMETADATA \"\" (/private/comment \"server note\")")
        try alice.run("LOGOUT")
    }

    /// The untagged GETMETADATA answers of `user` for every entry, in order.
    private func readBack(_ server: IMAPServerFixture, user: String) throws -> [String] {
        let client = try LineIMAPClient(port: server.imapPort)
        try client.run("LOGIN \(user) pass-\(user)")
        return try entries.map { mailbox, entry in
            // All but the tagged line, which carries Dovecot's timings.
            try client.run("GETMETADATA \(mailbox) (\(entry))").split(separator: "\r\n").dropLast().joined(separator: "\n")
        }
    }

    @Test func annotationsSetOverIMAPComeBackFromTheMaildirIntoAnotherMaildirAsDovecotShowsThem() throws {
        let server = try IMAPServerFixture(.dovecot)
        let mail = try #require(server.values["MAIL_DIR"])
        try prepareAlice(server)
        let work = try Workspace()
        let backup = try Tools.run("brick-backup", [
            "backup", "--source", "maildir:\(mail)/{user}/Maildir", "-u", "alice", "--store", work.store.path, "--progress", "never",
            "--attribute-dict", "\(mail)/{user}/dovecot-attributes",
        ])
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        let listed = try settings(work.store.appendingPathComponent("alice"), ["--kind", "metadata"])
        #expect(Set(listed.map { "\($0.folder ?? "")|\($0.name)|\($0.value)" }) == [
            "|/private/comment|server note", "INBOX|/private/comment|inbox note", "Projects/2026|/private/comment|deep",
            "Shared|/private/vendor/brick/multi|two\nlines\twith a tab", "Shared|/shared/comment|team folder",
        ])

        let arguments = [work.store.appendingPathComponent("alice").path, "--settings", "--to", "maildir:\(mail)/carol/Maildir"]
        let restore = try Tools.run("brick-restore", arguments)
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        #expect(restore.stdout.contains("settings: restored 5,"), "\(restore.stdout)")
        let again = try Tools.run("brick-restore", arguments)
        #expect(again.stdout.contains("settings: restored 0, already there 5,"), "\(again.stdout)\(again.stderr)")
        _ = try ChildProcess.run("/bin/chown", ["-R", "dovecot:dovecot", "\(mail)/carol"])
        let expected = try readBack(server, user: "alice")
        #expect(expected.contains { $0.contains("team folder") } && expected.contains { $0.contains("server note") })
        #expect(try readBack(server, user: "carol") == expected)
    }

    @Test func aServerLevelSharedAnnotationDovecotDoesNotKeepIsNamedAndTheRestIsRestored() throws {
        let server = try IMAPServerFixture(.dovecot)
        let mail = try #require(server.values["MAIL_DIR"])
        try prepareAlice(server)
        // Dovecot refuses to store it; a dictionary written by hand (or a Cyrus backup) has one.
        let header = try String(contentsOfFile: "\(mail)/alice/Maildir/dovecot-uidlist", encoding: .utf8).prefix { $0 != "\n" }
        let inboxGUID = try #require(header.split(separator: " ").first { $0.hasPrefix("G") }).dropFirst()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(mail)/alice/dovecot-attributes"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("shared/\(inboxGUID)/vendor/vendor.dovecot/pvt/server/comment\nserver shared\n".utf8))
        try handle.close()
        let work = try Workspace()
        let backup = try Tools.run("brick-backup", [
            "backup", "--source", "maildir:\(mail)/{user}/Maildir", "-u", "alice", "--store", work.store.path, "--progress", "never",
        ])
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        let store = work.store.appendingPathComponent("alice").path
        #expect(try settings(URL(fileURLWithPath: store), ["--kind", "metadata"]).contains { $0.folder == nil && $0.name == "/shared/comment" })

        for target in ["maildir:\(mail)/carol/Maildir", server.url] {
            let login = target == server.url ? server.adminArguments : []
            let restore = try Tools.run("brick-restore", [store, "--metadata", "--to", target, "--user", "dave"] + login)
            #expect(restore.status == 1, "\(restore.stdout)\(restore.stderr)")
            let lines = restore.stderr.split(separator: "\n").filter { $0.contains("/shared/comment of the server") }
            #expect(lines.count == 1 && lines[0].hasPrefix("not kept by the target: annotation /shared/comment of the server: "), "\(restore.stderr)")
            #expect(restore.stdout.contains("settings: restored 5, already there 0, failed 0, not kept by the target 1"), "\(target): \(restore.stdout)")
        }
        _ = try ChildProcess.run("/bin/chown", ["-R", "dovecot:dovecot", "\(mail)/carol"])
        let expected = try readBack(server, user: "alice")
        #expect(try readBack(server, user: "dave") == expected)
        #expect(try readBack(server, user: "carol") == expected)
    }
}
