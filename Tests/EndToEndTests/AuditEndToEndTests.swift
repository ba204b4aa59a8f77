import Foundation
import Testing

/// `brick-backup audit` against a Maildir, a Dovecot and a Cyrus: right after a backup
/// nothing is missing; it finds a message removed from the store by hand, a flag
/// changed upstream, and (with --sample 100) a byte changed in a stored value.
@Suite(.serialized) struct AuditEndToEndTests {
    /// Where alice's mail is, and how to change a flag there.
    private struct Upstream {
        var source: [String]
        var flagMessage: () throws -> Void
    }

    private func audit(_ work: Workspace, _ upstream: Upstream, _ extra: [String] = []) throws -> Tools.Result {
        try Tools.run("brick-backup", ["audit"] + upstream.source + ["-u", "alice", "--store", work.store.path, "--progress", "never"] + extra)
    }

    /// The scenario every source goes through.
    private func checkAudit(_ work: Workspace, _ upstream: Upstream, label: String) throws {
        let backup = try Tools.run("brick-backup", ["backup"] + upstream.source + ["-u", "alice", "--store", work.store.path, "--progress", "never"])
        #expect(backup.status == 0, "\(label): \(backup.stdout)\(backup.stderr)")
        let alice = work.store.appendingPathComponent("alice")
        let stored = try index(alice)

        let clean = try audit(work, upstream, ["--sample", "100"])
        #expect(clean.status == 0, "\(label): \(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("alice: complete") && clean.stdout.contains("missing 0,")
            && clean.stdout.contains("flags differ 0") && clean.stdout.contains("sampled \(stored.count) (0 differ)"), "\(label): \(clean.stdout)")

        // A flag changed upstream is reported; nothing is missing, so the exit is 0.
        try upstream.flagMessage()
        let flagged = try audit(work, upstream)
        #expect(flagged.status == 0 && flagged.stdout.contains("flags differ 1"), "\(label): \(flagged.stdout)\(flagged.stderr)")
        #expect(flagged.stdout.contains("  flags differ: INBOX "), "\(label): \(flagged.stdout)")

        // A byte changed in a stored value is found by the sample alone.
        try Corruption.damageOneValue(in: alice)
        #expect(try audit(work, upstream).status == 0)
        let damaged = try audit(work, upstream, ["--sample", "100"])
        #expect(damaged.status == 4, "\(label): \(damaged.stdout)\(damaged.stderr)")
        #expect(damaged.stdout.contains("(1 differ)") && damaged.stdout.contains("  sample differs: "), "\(label): \(damaged.stdout)")

        // A message removed from the store by hand is missing: exit 1, named. (An
        // incremental IMAP backup would not fetch it again: its UID is below the token's.)
        let victim = try #require(stored.first { $0.folder == "INBOX" })
        _ = try sqlite(alice.appendingPathComponent("catalog.sqlite").path, "DELETE FROM items WHERE key = '\(victim.key)'")
        let removed = try audit(work, upstream)
        #expect(removed.status == 1, "\(label): \(removed.stdout)\(removed.stderr)")
        #expect(removed.stdout.contains("alice: INCOMPLETE") && removed.stdout.contains("missing 1,")
            && removed.stdout.contains("  missing: INBOX \(victim.key)"), "\(label): \(removed.stdout)")
        let metrics = work.url.appendingPathComponent("brick.prom")
        _ = try audit(work, upstream, ["--metrics-file", metrics.path])
        let text = try String(contentsOf: metrics, encoding: .utf8)
        #expect(text.contains("brick_audit_missing_items{group=\"default\"} 1"), "\(label): \(text)")
    }

    @Test func auditOfAMaildirFindsTheRemovedTheFlaggedAndTheDamaged() throws {
        let work = try Workspace()
        let inbox = work.maildir("alice").appendingPathComponent("cur")
        let upstream = Upstream(source: ["--source", work.source]) {
            let file = try #require(try FileManager.default.contentsOfDirectory(atPath: inbox.path).sorted().first { $0.hasSuffix(":2,S") })
            try FileManager.default.moveItem(at: inbox.appendingPathComponent(file), to: inbox.appendingPathComponent(file + "T"))
        }
        try checkAudit(work, upstream, label: "maildir")
        // The next backup of a Maildir whose directory changed lists it again and brings
        // the removed message back; a message gone upstream is then not yet seen deleted.
        #expect(try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]).status == 0)
        #expect(try audit(work, upstream).status == 0)
        let gone = try #require(try FileManager.default.contentsOfDirectory(atPath: inbox.path).sorted().last)
        try FileManager.default.removeItem(at: inbox.appendingPathComponent(gone))
        let result = try audit(work, upstream)
        #expect(result.status == 0 && result.stdout.contains("not yet seen deleted 1"), "\(result.stdout)")
    }

    @Test func aFolderMissingFromTheStoreCountsItsMessagesAsMissing() throws {
        let work = try Workspace()
        let backup = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"])
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        // A folder made upstream after the backup, holding two of the inbox's messages.
        let inbox = work.maildir("alice").appendingPathComponent("cur")
        let projects = work.maildir("alice").appendingPathComponent(".Projects")
        for part in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(at: projects.appendingPathComponent(part), withIntermediateDirectories: true)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: inbox.path).sorted().prefix(2)
        #expect(files.count == 2)
        for file in files {
            try FileManager.default.copyItem(at: inbox.appendingPathComponent(file), to: projects.appendingPathComponent("cur/\(file)"))
        }
        let result = try Tools.run("brick-backup", ["audit", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("alice: INCOMPLETE") && result.stdout.contains("missing 2 and 1 folders,"), "\(result.stdout)")
        #expect(result.stdout.contains("  folder missing: Projects") && result.stdout.contains("  missing: Projects "), "\(result.stdout)")
        #expect(result.stdout.contains("missing 2,"), "\(result.stdout)")
    }

    @Test func auditOfManyUsersInParallelPrintsWhatOneWorkerPrints() throws {
        let work = try Workspace()
        for user in ["carol", "dave", "erin", "frank"] {
            try FileManager.default.copyItem(at: work.maildirs.appendingPathComponent("alice"), to: work.maildirs.appendingPathComponent(user))
        }
        let backup = try Tools.run("brick-backup", ["backup", "--source", work.source, "--all-users", "--store", work.store.path, "--progress", "never"])
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        // One user incomplete (a row removed by hand), one with a flag changed, one upstream only.
        let carol = work.store.appendingPathComponent("carol")
        let victim = try #require(try index(carol).first { $0.folder == "INBOX" })
        _ = try sqlite(carol.appendingPathComponent("catalog.sqlite").path, "DELETE FROM items WHERE key = '\(victim.key)'")
        let inbox = work.maildir("erin").appendingPathComponent("cur")
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: inbox.path).sorted().first { $0.hasSuffix(":2,S") })
        try FileManager.default.moveItem(at: inbox.appendingPathComponent(file), to: inbox.appendingPathComponent(file + "T"))
        try FileManager.default.copyItem(at: work.maildirs.appendingPathComponent("bob"), to: work.maildirs.appendingPathComponent("gina"))

        func audit(_ workers: String) throws -> Tools.Result {
            try Tools.run("brick-backup", ["audit", "--source", work.source, "--all-users", "--store", work.store.path,
                                           "--progress", "never", "-j", workers])
        }
        /// The output without the totals line's elapsed time.
        func comparable(_ result: Tools.Result) -> String {
            result.stdout.replacingOccurrences(of: #" in [0-9.]+ ?[a-z]*:"#, with: " in …:", options: .regularExpression)
                + "\n--\n" + result.stderr
        }
        let one = try audit("1")
        #expect(one.status == 1, "\(one.stdout)\(one.stderr)")
        #expect(one.stdout.contains("carol: INCOMPLETE") && one.stdout.contains("erin: complete") && one.stderr.contains("gina"), "\(one.stdout)\(one.stderr)")
        for workers in ["3", "7"] {
            let parallel = try audit(workers)
            #expect(parallel.status == one.status)
            #expect(comparable(parallel) == comparable(one), "-j \(workers):\n\(parallel.stdout)\(parallel.stderr)")
        }
        let users = one.stdout.split(separator: "\n").compactMap { line -> String? in
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix(" "), !line.hasPrefix("audited") else { return nil }
            return String(line[..<colon])
        }
        #expect(users == ["alice", "bob", "carol", "dave", "erin", "frank"], "\(one.stdout)")
    }

    @Test(.enabled(if: IMAPServerFixture.available(.dovecot)))
    func auditOfADovecotMailboxFindsTheRemovedTheFlaggedAndTheDamaged() throws {
        let server = try IMAPServerFixture(.dovecot)
        let work = try Workspace()
        try fill(server, work)
        try checkAudit(work, Upstream(source: ["--source", server.url] + server.adminArguments) { try flag(server) }, label: "dovecot")
    }

    @Test(.enabled(if: IMAPServerFixture.available(.cyrus)))
    func auditOfACyrusMailboxFindsTheRemovedTheFlaggedAndTheDamaged() throws {
        let server = try IMAPServerFixture(.cyrus)
        let work = try Workspace()
        try fill(server, work)
        try checkAudit(work, Upstream(source: ["--source", server.url] + server.adminArguments) { try flag(server) }, label: "cyrus")
    }

    /// Puts alice's fixture mail on the server.
    private func fill(_ server: IMAPServerFixture, _ work: Workspace) throws {
        let fixtures = work.url.appendingPathComponent("fixture-store")
        #expect(try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", fixtures.path, "--progress", "never"]).status == 0)
        let fill = try Tools.run("brick-restore", [fixtures.appendingPathComponent("alice").path, "--to", server.url] + server.adminArguments + ["--progress", "never"])
        #expect(fill.status == 0, "\(fill.stdout)\(fill.stderr)")
    }

    /// Sets \Flagged on the first message of alice's INBOX, logged in as alice.
    private func flag(_ server: IMAPServerFixture) throws {
        let script = """
            import imaplib, sys
            imap = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
            imap.login("alice", "pass-alice")
            imap.select("INBOX")
            typ, data = imap.uid("SEARCH", None, "NOT FLAGGED")
            uid = data[0].split()[0].decode()
            imap.uid("STORE", uid, "+FLAGS", "(\\\\Flagged)")
            imap.logout()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, "\(server.imapPort)"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    private func sqlite(_ database: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, sql]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
