import BrickTestSupport
import Foundation
import Testing

/// The admin login acting for a user, through the built executables and Cyrus's httpd
/// (tools/cyrus-test-server's Murder-backend httpd, the one that honours
/// `Authorize-As`): `backup --dav-user backup-admin --dav-authorize-as` backs up
/// alice's calendar, `brick-restore --admin-user backup-admin --dav-authorize-as`
/// puts it into bob's, and the flag without an admin is a usage error.
@Suite(.serialized, .enabled(if: DAVTestServer.shouldRun(.cyrus))) struct DAVAdminLoginEndToEndTests {
    /// The admin's password in a file of `work` only its owner reads.
    func adminPasswordFile(in work: Workspace) throws -> URL {
        let file = work.url.appendingPathComponent("admin-pw")
        let written = FileManager.default.createFile(atPath: file.path, contents: Data("pass-admin\n".utf8), attributes: [.posixPermissions: 0o600])
        try #require(written, "the admin's password file was written")
        return file
    }

    /// Puts the fixture event `fixture` into `user`'s calendar as `name`, as that user.
    func putEvent(_ fixture: String, as name: String, for user: String, on server: DAVTestServer) throws {
        let event = try Data(contentsOf: Tools.packageRoot.appendingPathComponent("Fixtures/dav-roundtrip/\(fixture)"))
        let put = try server.request("PUT", server.calendarURL(user) + name, user: user, body: Array(event), headers: ["Content-Type: text/calendar"])
        #expect(put.status == 201)
    }

    @Test func adminActsForEachUserInBackupAndRestore() throws {
        let server = try DAVTestServer.start(.cyrus)
        defer { server.stop() }
        let proxy = try #require(server.proxyURL)
        let work = try Workspace()
        try putEvent("work-review.ics", as: "review.ics", for: "alice", on: server)
        let passwordFile = try adminPasswordFile(in: work)

        let backup = try Tools.run("brick-backup", [
            "backup", "--dav", proxy, "--dav-user", "backup-admin", "--dav-authorize-as", "--dav-password-file", passwordFile.path,
            "-u", "alice", "--store", work.store.path, "--progress", "never",
        ])
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        let items = try index(work.store.appendingPathComponent("alice"))
        #expect(items.map(\.key) == ["review.ics"])

        let restore = try Tools.run("brick-restore", [
            work.store.appendingPathComponent("alice").path, "--to", "caldav:\(proxy)calendars/user/{user}/", "--user", "bob",
            "--admin-user", "backup-admin", "--dav-authorize-as", "--password-file", passwordFile.path, "--progress", "never",
        ])
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        #expect(restore.stdout.contains("restored 1,"), "\(restore.stdout)")
        let back = try server.request("GET", server.calendarURL("bob") + "review.ics", user: "bob")
        #expect(back.status == 200 && String(decoding: back.body, as: UTF8.self).contains("UID:review-2026@example.org"))

        let noAdmin = try Tools.run("brick-backup", [
            "backup", "--dav", proxy, "--dav-authorize-as", "--dav-password-file", passwordFile.path,
            "-u", "alice", "--store", work.store.path, "--progress", "never",
        ])
        #expect(noAdmin.status == 2 && noAdmin.stderr.contains("--dav-authorize-as needs --dav-user"), "\(noAdmin.stderr)")
    }

    /// The same admin login from the configuration file: a source with `dav-user` and
    /// `dav-authorize-as = true`, backed up by its group, reads alice's calendar as the
    /// admin acting for her; without the key the admin's own (empty) calendars are read.
    @Test func configuredSourceWithDavAuthorizeAsActsForEachUserOfItsGroup() throws {
        let server = try DAVTestServer.start(.cyrus)
        defer { server.stop() }
        let proxy = try #require(server.proxyURL)
        let work = try Workspace()
        try putEvent("work-review.ics", as: "review.ics", for: "alice", on: server)
        let passwordFile = try adminPasswordFile(in: work)
        func config(_ authorizeAs: String) throws -> String {
            let name = authorizeAs.isEmpty ? "plain" : "admin"
            let path = work.url.appendingPathComponent("site-\(name).toml").path
            try """
                store = "\(work.url.appendingPathComponent("store-\(name)").path)"

                [sources.cyrus]
                url = "\(work.source)"
                dav = "\(proxy)"
                dav-user = "backup-admin"
                dav-password-file = "\(passwordFile.path)"
                \(authorizeAs)

                [groups.calendars]
                source = "cyrus"
                users = ["alice"]
                """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        let backup = try Tools.run("brick-backup", ["backup", "--config", try config("dav-authorize-as = true"), "--group", "calendars", "--progress", "never"])
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        let items = try index(work.url.appendingPathComponent("store-admin/alice"))
        #expect(items.filter { $0.key == "review.ics" }.count == 1, "\(items.map(\.key))")

        // Without the key the admin logs in as itself and never reaches alice's calendar.
        _ = try Tools.run("brick-backup", ["backup", "--config", try config(""), "--group", "calendars", "--progress", "never"])
        let plainItems = (try? index(work.url.appendingPathComponent("store-plain/alice"))) ?? []
        #expect(!plainItems.contains { $0.key == "review.ics" })
    }

    /// A restore across users (`--all-users`) into a DAV server: each user's hits back
    /// into that user's own calendars (`--into-own-mailboxes`), as the admin.
    @Test func restoreAcrossUsersPutsEachUsersEventsBackIntoTheirOwnCalendar() throws {
        let server = try DAVTestServer.start(.cyrus)
        defer { server.stop() }
        let proxy = try #require(server.proxyURL)
        let work = try Workspace()
        let passwordFile = try adminPasswordFile(in: work)
        for (user, fixture) in [("alice", "work-review.ics"), ("bob", "work-weekly.ics")] {
            try putEvent(fixture, as: fixture, for: user, on: server)
            let backup = try Tools.run("brick-backup", [
                "backup", "--dav", proxy, "--dav-user", "backup-admin", "--dav-authorize-as", "--dav-password-file", passwordFile.path,
                "-u", user, "--store", work.store.path, "--progress", "never",
            ])
            #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
            #expect(try server.request("DELETE", server.calendarURL(user) + fixture, user: user).status == 204)
        }
        let arguments = [
            work.store.path, "--all-users", "--to", "caldav:\(proxy)calendars/user/{user}/", "--progress", "never",
            "--admin-user", "backup-admin", "--dav-authorize-as", "--password-file", passwordFile.path,
        ]
        let refused = try Tools.run("brick-restore", arguments)
        #expect(refused.status == 2 && refused.stderr.contains("--into-own-mailboxes"), "\(refused.stderr)")
        let restore = try Tools.run("brick-restore", arguments + ["--into-own-mailboxes"])
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        #expect(restore.stdout.contains("alice: restored 1,") && restore.stdout.contains("bob: restored 1,"), "\(restore.stdout)")
        #expect(try server.request("GET", server.calendarURL("alice") + "work-review.ics", user: "alice").status == 200)
        #expect(try server.request("GET", server.calendarURL("bob") + "work-weekly.ics", user: "bob").status == 200)
    }
}
