import BrickTestSupport
import Foundation
import Testing

/// Settings on Cyrus 3.6 (timsieved, its ACLs and METADATA): a Maildir's Dovecot
/// files backed up, restored into a Cyrus user, read back from Cyrus by a backup and
/// compared; settings set, changed and deleted on Cyrus itself (a subscription to a
/// folder that does not exist, server-level annotations among them) restored latest and
/// as of the first run.
@Suite(.serialized, .enabled(if: IMAPServerFixture.available(.cyrus))) struct SettingsCyrusTests {
    @Test func settingsFromAMaildirRestoredIntoCyrusReadBackTheSame() throws {
        let server = try IMAPServerFixture(.cyrus)
        let sievePort = try #require(server.values["SIEVE_PORT"], "the Cyrus test server has no ManageSieve")
        let work = try Workspace()
        let home = DovecotHome(root: work.maildirs.appendingPathComponent("alice"))
        try home.writeScript("filters", "require \"fileinto\";\nfileinto \"Sent\";\n")
        try home.writeScript("vacation", "require \"vacation\";\nvacation \"away\";\n")
        try home.writeScript("broken", "this is { not sieve\n")
        try home.activate("filters")
        try home.writeFile("Maildir/dovecot-acl", "user=bob lr\n")
        try home.writeFile("Maildir/.Sent/dovecot-acl", "user=bob lrs\n")
        try home.writeFile("Maildir/subscriptions", "V\t2\n\nINBOX\nSent\n")
        let backup = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"])
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        let aliceStore = work.store.appendingPathComponent("alice")

        let imap = server.adminArguments + ["--sieve-port", sievePort]
        let restore = try Tools.run("brick-restore", [aliceStore.path, "--settings", "--to", server.url, "--user", "carol"] + imap)
        #expect(restore.status == 1, "\(restore.stdout)\(restore.stderr)")
        #expect(restore.stderr.contains("Sieve script \"broken\": the server refused it"), "\(restore.stderr)")
        let again = try Tools.run("brick-restore", [aliceStore.path, "--settings", "--to", server.url, "--user", "carol"] + imap)
        #expect(again.stdout.contains("settings: restored 0,"), "\(again.stdout)\(again.stderr)")

        let readBack = work.url.appendingPathComponent("cyrus-store")
        let fromCyrus = try Tools.run("brick-backup", [
            "backup", "--source", server.url, "-u", "carol", "--store", readBack.path, "--progress", "never",
        ] + imap)
        #expect(fromCyrus.status == 0, "\(fromCyrus.stdout)\(fromCyrus.stderr)")
        let restored = try settings(readBack.appendingPathComponent("carol"))
        let original = try settings(aliceStore)
        for setting in original where setting.name != "broken" && setting.name != "alice" {
            #expect(restored.contains { $0.kind == setting.kind && $0.folder == setting.folder && $0.name == setting.name && $0.sha256 == setting.sha256 },
                    "\(setting.kind) \(setting.folder ?? "") \(setting.name) missing on Cyrus")
        }
        #expect(restored.contains { $0.kind == "sieve" && $0.name == "" && $0.value == "filters" })
    }
}

extension SettingsCyrusTests {
    /// Identities of a listing with the user's own name in ACL entries made neutral.
    private func comparable(_ listed: [ListedSetting], user: String) -> [String] {
        listed.map { "\($0.kind)|\($0.folder ?? "")|\($0.kind == "acl" && $0.name == user ? "USER" : $0.name)|\($0.sha256)" }.sorted()
    }

    @Test func settingsChangedOnCyrusComeBackLatestAndAsOfTheFirstRun() throws {
        let server = try IMAPServerFixture(.cyrus)
        let sievePort = try #require(server.values["SIEVE_PORT"], "the Cyrus test server has no ManageSieve")
        let imap = server.adminArguments + ["--sieve-port", sievePort]
        let work = try Workspace()
        let home = DovecotHome(root: work.maildirs.appendingPathComponent("alice"))
        try home.writeScript("filters", "require \"fileinto\";\nfileinto \"Sent\";\n")
        try home.writeScript("vacation", "require \"vacation\";\nvacation \"away\";\n")
        try home.activate("filters")
        try home.writeFile("Maildir/dovecot-acl", "user=bob lr\n")
        try home.writeFile("Maildir/.Sent/dovecot-acl", "user=bob lrs\n")
        let maildirStore = work.store.appendingPathComponent("alice")
        let cyrusStore = work.url.appendingPathComponent("cyrus-store")
        func backUpMaildir() throws {
            let result = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        }
        func backUpCyrus(_ user: String, into store: URL) throws {
            let result = try Tools.run("brick-backup", ["backup", "--source", server.url, "-u", user, "--store", store.path, "--progress", "never"] + imap)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        }
        func restore(_ store: URL, into user: String, _ extra: [String] = []) throws {
            let result = try Tools.run("brick-restore", [store.path, "--settings", "--to", server.url, "--user", user] + imap + extra)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        }

        // Cyrus's alice gets her settings (written by Brick, the only client at hand), then changes.
        try backUpMaildir()
        try restore(maildirStore, into: "alice")
        try backUpCyrus("alice", into: cyrusStore)
        let cyrusAlice = cyrusStore.appendingPathComponent("alice")
        let firstState = try settings(cyrusAlice)
        #expect(firstState.contains { $0.kind == "acl" && $0.folder == "Sent" && $0.name == "bob" && $0.value == "lrs" })
        let firstRun = try #require(firstState.map(\.changed).max())
        try home.writeScript("filters", "keep;\n")
        try home.writeFile("Maildir/.Sent/dovecot-acl", "user=bob lrswi\n")
        try backUpMaildir()
        try restore(maildirStore, into: "alice", ["--overwrite"])
        try backUpCyrus("alice", into: cyrusStore)
        let versions = try settings(cyrusAlice, [])
        #expect(versions.contains { $0.kind == "sieve" && $0.name == "filters" && $0.deleted != nil })
        #expect(versions.contains { $0.kind == "acl" && $0.folder == "Sent" && $0.name == "bob" && $0.value == "lrswi" && $0.deleted == nil })

        for (user, asOf, expected) in [("carol", nil as String?, try settings(cyrusAlice)), ("dave", firstRun, firstState)] {
            try restore(cyrusAlice, into: user, asOf.map { ["--as-of", $0] } ?? [])
            let readBack = work.url.appendingPathComponent("readback-\(user)")
            try backUpCyrus(user, into: readBack)
            let restored = try settings(readBack.appendingPathComponent(user))
            #expect(comparable(restored, user: user) == comparable(expected, user: "alice"), "\(user)")
        }
    }
}

extension SettingsCyrusTests {
    /// Sets alice's settings over IMAP as alice herself: ACLs for bob on INBOX and
    /// Projects, subscriptions including Gone (deleted after subscribing: Cyrus keeps
    /// the subscription and lists it `\NonExistent`), annotations of two folders and a
    /// server-level `/private` one. (Server-level `/shared` annotations are server-wide
    /// on Cyrus and admin-only, not a user's.)
    private func prepareAlice(_ server: IMAPServerFixture) throws -> LineIMAPClient {
        let alice = try LineIMAPClient(port: server.imapPort)
        try alice.run("LOGIN alice pass-alice")
        for command in [
            "CREATE Projects", "CREATE Gone", "SUBSCRIBE Projects", "SUBSCRIBE Gone", "DELETE Gone",
            "SETACL Projects bob lr", "SETACL INBOX bob l",
            "SETMETADATA \"\" (/private/comment \"server note\")",
            "SETMETADATA Projects (/private/comment \"plans\" /shared/comment \"team\")",
            "SETMETADATA INBOX (/shared/comment \"inbox\")",
        ] {
            try alice.run(command)
        }
        return alice
    }

    @Test func changesAndDeletionsOnCyrusAMissingFolderSubscriptionAndServerAnnotationsComeBackLatestAndAsOfTheFirstRun() throws {
        let server = try IMAPServerFixture(.cyrus)
        let sievePort = try #require(server.values["SIEVE_PORT"], "the Cyrus test server has no ManageSieve")
        let imap = server.adminArguments + ["--sieve-port", sievePort]
        let work = try Workspace()
        func backUp(_ user: String, into store: URL) throws {
            let result = try Tools.run("brick-backup", ["backup", "--source", server.url, "-u", user, "--store", store.path, "--progress", "never"] + imap)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        }
        let alice = try prepareAlice(server)
        try backUp("alice", into: work.store)
        let store = work.store.appendingPathComponent("alice")
        let firstState = try settings(store)
        #expect(firstState.contains { $0.kind == "subscriptions" && $0.name == "Gone" })
        #expect(firstState.contains { $0.kind == "metadata" && $0.folder == nil && $0.name == "/private/comment" && $0.value == "server note" })
        #expect(firstState.contains { $0.kind == "acl" && $0.folder == "INBOX" && $0.name == "bob" })
        let firstRun = try #require(firstState.map(\.changed).max())

        for command in [
            "SETACL Projects bob lrswi", "DELETEACL INBOX bob", "UNSUBSCRIBE Projects",
            "SETMETADATA Projects (/private/comment NIL)", "SETMETADATA INBOX (/shared/comment NIL)",
            "SETMETADATA \"\" (/private/comment \"server changed\")",
        ] {
            try alice.run(command)
        }
        try backUp("alice", into: work.store)
        let versions = try settings(store, [])
        for (kind, folder, name) in [
            ("acl", "INBOX", "bob"), ("subscriptions", nil, "Projects"), ("metadata", "Projects", "/private/comment"),
            ("metadata", "INBOX", "/shared/comment"),
        ] as [(String, String?, String)] {
            #expect(versions.contains { $0.kind == kind && $0.folder == folder && $0.name == name && $0.deleted != nil }, "\(kind) \(name)")
            #expect(!versions.contains { $0.kind == kind && $0.folder == folder && $0.name == name && $0.deleted == nil }, "\(kind) \(name)")
        }
        #expect(versions.filter { $0.kind == "metadata" && $0.folder == nil }.map { "\($0.value)|\($0.deleted == nil)" }.sorted()
            == ["server changed|true", "server note|false"])

        for (user, asOf, expected) in [("carol", nil as String?, try settings(store)), ("dave", firstRun, firstState)] {
            let restore = try Tools.run("brick-restore", [store.path, "--settings", "--to", server.url, "--user", user] + imap
                + (asOf.map { ["--as-of", $0] } ?? []))
            #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
            let readBack = work.url.appendingPathComponent("readback-\(user)")
            try backUp(user, into: readBack)
            let restored = try settings(readBack.appendingPathComponent(user))
            #expect(comparable(restored, user: user) == comparable(expected, user: "alice"), "\(user)")
        }
    }
}
