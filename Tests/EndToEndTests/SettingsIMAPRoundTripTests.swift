import BrickTestSupport
import Foundation
import Testing

/// Settings over IMAP and ManageSieve on a real Dovecot with Pigeonhole: two scripts
/// (one active) and one that is not valid Sieve, ACLs on two folders for bob,
/// subscriptions including a folder that does not exist, private and shared
/// annotations of folders and the server's own; backed up, changed, backed up again,
/// restored into empty users (latest and as of the first run) and read back.
@Suite(.serialized, .enabled(if: IMAPServerFixture.available(.dovecot))) struct SettingsIMAPRoundTripTests {
    private func prepare(_ server: IMAPServerFixture) throws {
        try server.doveadm(["mailbox", "create", "-u", "alice", "Shared", "Projects", "Gone"])
        try server.doveadm(["acl", "set", "-u", "alice", "Shared", "user=bob", "lookup", "read"])
        try server.doveadm(["acl", "set", "-u", "alice", "Projects", "user=bob", "lookup", "read", "write-seen", "insert"])
        try server.doveadm(["mailbox", "subscribe", "-u", "alice", "Shared", "Gone"])
        try server.doveadm(["mailbox", "delete", "-u", "alice", "Gone"])
        try server.doveadm(["sieve", "put", "-u", "alice", "-a", "filters"], input: Data("require \"fileinto\";\nfileinto \"Projects\";\n".utf8))
        try server.doveadm(["sieve", "put", "-u", "alice", "vacation"], input: Data("require \"vacation\";\nvacation \"away\";\n".utf8))
        let broken = URL(fileURLWithPath: server.values["MAIL_DIR"]!).appendingPathComponent("alice/sieve/broken.sieve")
        try Data("this is { not sieve\n".utf8).write(to: broken)
        try server.doveadm(["mailbox", "metadata", "set", "-u", "alice", "INBOX", "/private/comment", "private note"])
        try server.doveadm(["mailbox", "metadata", "set", "-u", "alice", "Shared", "/shared/comment", "team folder"])
        try server.doveadm(["mailbox", "metadata", "set", "-u", "alice", "-s", "", "/private/comment", "server note"])
    }

    private func arguments(_ server: IMAPServerFixture) -> [String] {
        server.adminArguments + ["--sieve-port", server.values["SIEVE_PORT"] ?? "0"]
    }

    private func backup(_ server: IMAPServerFixture, user: String, into store: URL) throws -> Tools.Result {
        try Tools.run("brick-backup", ["backup", "--source", server.url, "-u", user, "--store", store.path, "--progress", "never"] + arguments(server))
    }

    /// The identities of a listing with the user's name in ACL identifiers replaced,
    /// the invalid script left out (no server takes it back).
    private func comparable(_ listed: [ListedSetting], user: String) -> [String] {
        listed.filter { $0.name != "broken" }.map { setting in
            let name = setting.kind == "acl" && setting.name == user ? "USER" : setting.name
            return "\(setting.kind)|\(setting.folder ?? "")|\(name)|\(setting.sha256)"
        }.sorted()
    }

    @Test func settingsComeBackOverIMAPAndManageSieveLatestAndAsOfTheFirstRun() throws {
        let server = try IMAPServerFixture(.dovecot)
        try #require(server.values["SIEVE_PORT"].map { !$0.isEmpty } == true, "the Dovecot test server has no ManageSieve")
        let work = try Workspace()
        try prepare(server)
        let store = work.url.appendingPathComponent("store")
        let first = try backup(server, user: "alice", into: store)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let aliceStore = store.appendingPathComponent("alice")
        let firstState = try settings(aliceStore)
        #expect(firstState.contains { $0.kind == "sieve" && $0.name == "broken" && $0.size == 20 })
        #expect(firstState.contains { $0.kind == "sieve" && $0.name == "" })
        #expect(firstState.contains { $0.kind == "subscriptions" && $0.name == "Gone" })
        #expect(firstState.contains { $0.kind == "acl" && $0.folder == "Projects" && $0.name == "bob" })
        #expect(firstState.contains { $0.kind == "metadata" && $0.folder == nil && $0.name == "/private/comment" })
        #expect(firstState.contains { $0.kind == "metadata" && $0.folder == "Shared" && $0.name == "/shared/comment" })
        let firstRun = try #require(firstState.map(\.changed).max())

        try server.doveadm(["sieve", "put", "-u", "alice", "filters"], input: Data("keep;\n".utf8))
        try server.doveadm(["sieve", "delete", "-u", "alice", "vacation"])
        try server.doveadm(["acl", "set", "-u", "alice", "Projects", "user=bob", "lookup"])
        try server.doveadm(["acl", "delete", "-u", "alice", "Shared", "user=bob"])
        try server.doveadm(["mailbox", "unsubscribe", "-u", "alice", "Shared"])
        try server.doveadm(["mailbox", "metadata", "set", "-u", "alice", "INBOX", "/private/comment", "changed note"])
        let second = try backup(server, user: "alice", into: store)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        let versions = try settings(aliceStore, [])
        #expect(versions.contains { $0.name == "vacation" && $0.deleted != nil })
        #expect(versions.contains { $0.kind == "subscriptions" && $0.name == "Shared" && $0.deleted != nil })

        for (user, asOf, expected) in [("carol", nil as String?, try settings(aliceStore)), ("dave", firstRun, firstState)] {
            let restoreArgs = [aliceStore.path, "--settings", "--to", server.url, "--user", user] + arguments(server)
                + (asOf.map { ["--as-of", $0] } ?? [])
            let restore = try Tools.run("brick-restore", restoreArgs)
            #expect(restore.status == 1, "\(restore.stdout)\(restore.stderr)")
            #expect(restore.stderr.contains("Sieve script \"broken\": the server refused it"), "\(restore.stderr)")
            let again = try Tools.run("brick-restore", restoreArgs)
            #expect(again.stdout.contains("settings: restored 0,"), "\(again.stdout)\(again.stderr)")
            let readBack = work.url.appendingPathComponent("readback-\(user)")
            let back = try backup(server, user: user, into: readBack)
            #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
            let restored = try settings(readBack.appendingPathComponent(user))
            #expect(comparable(restored, user: user) == comparable(expected, user: "alice"), "\(user)")
        }
    }

    @Test func scriptsAreReadOverManageSieveAfterSTARTTLSWithTheServersCA() throws {
        let server = try IMAPServerFixture(.dovecot)
        let sievePort = try #require(server.values["SIEVE_PORT"])
        let ca = try #require(server.values["CA_FILE"])
        try server.doveadm(["sieve", "put", "-u", "alice", "-a", "filters"], input: Data("keep;\n".utf8))
        let work = try Workspace()
        let result = try Tools.run("brick-backup", [
            "backup", "--source", server.url, "-u", "alice", "--store", work.store.path, "--progress", "never", "--tls", "starttls",
            "--ca-file", ca, "--admin-user", "backup-admin", "--password-file", server.adminPasswordFile.path, "--sieve-port", sievePort,
        ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let listed = try settings(work.store.appendingPathComponent("alice"))
        #expect(listed.contains { $0.kind == "sieve" && $0.name == "filters" && $0.size == 6 })
        #expect(listed.contains { $0.kind == "sieve" && $0.name == "" && $0.value == "filters" })
    }

    @Test func aFolderWhoseACLTheLoginMayNotReadIsANoteWithItsRightsAndItsStoredACLStays() throws {
        let server = try IMAPServerFixture(.dovecot)
        try server.doveadm(["mailbox", "create", "-u", "alice", "Projects"])
        try server.doveadm(["acl", "set", "-u", "alice", "Projects", "user=bob", "lookup"])
        let work = try Workspace()
        let first = try backup(server, user: "alice", into: work.store)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        try server.doveadm(["acl", "set", "-u", "alice", "Projects", "owner", "lookup", "read"])
        let second = try backup(server, user: "alice", into: work.store)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("note: ACL of Projects not readable with the rights lr"), "\(second.stdout)")
        let current = try settings(work.store.appendingPathComponent("alice"))
        #expect(current.contains { $0.kind == "acl" && $0.folder == "Projects" && $0.name == "bob" && $0.value == "l" })
    }

    @Test func aServerWithoutManageSieveIsSaidOnceAndTheRunSucceeds() throws {
        let server = try IMAPServerFixture(.dovecot)
        let work = try Workspace()
        let (descriptor, closed) = try LoopbackListener.open()
        close(descriptor)
        let result = try Tools.run("brick-backup", [
            "backup", "--source", server.url, "-u", "alice", "-u", "bob", "--store", work.store.path, "--progress", "never",
        ] + server.adminArguments + ["--sieve-port", "\(closed)"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let notes = result.stdout.split(separator: "\n").filter { $0.hasPrefix("note: no ManageSieve") }
        #expect(notes.count == 1 && notes[0].contains("2 users"), "\(result.stdout)")
    }
}
