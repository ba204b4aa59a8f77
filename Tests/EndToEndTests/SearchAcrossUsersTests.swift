import Crypto
import Foundation
import Testing

/// `brick-restore STORE --all-users …`: the same searches over three users' stores backed
/// up from a Maildir, a Dovecot and a Cyrus (Fixtures/search: RFC 2047 subjects and
/// names, base64 and quoted-printable bodies in UTF-8 and ISO-8859-1, HTML, an
/// attachment) find exactly the expected messages.
@Suite(.serialized) struct SearchAcrossUsersTests {
    /// Filters and the hits they must give, as `user|subject`.
    static let searches: [(arguments: [String], expected: Set<String>)] = [
        (["--sender", "carol@client.example"], ["alice|Contract draft for review", "bob|Re: Contract signed"]),
        (["--sender", "@client.example"], ["alice|Contract draft for review", "bob|Re: Contract signed", "carol|Contractual obligations"]),
        (["--subject", "grüße"], ["alice|Grüße aus München"]),
        (["--subject", "munchen"], ["alice|Grüße aus München"]),
        (["--subject", "café"], ["carol|Café meeting"]),
        (["--subject", "contract"], ["alice|Contract draft for review", "bob|Re: Contract signed"]),
        (["--subject", "contract*"], ["alice|Contract draft for review", "bob|Re: Contract signed", "carol|Contractual obligations"]),
        (["--text", "merger"], ["alice|Contract draft for review", "alice|Quarterly report", "carol|Contractual obligations"]),
        (["--text", "\"quarterly report\" confidential"], ["alice|Quarterly report"]),
        (["--text", "prêt"], ["bob|Re: Contract signed"]),
        (["--text", "café"], ["bob|Re: Contract signed", "carol|Café meeting"]),
        (["--text", "secretword"], []),
        (["--text", "red"], []),
        (["--text", "juergen@example.de"], ["alice|Grüße aus München"]),
        (["--text", "Müller"], ["alice|Grüße aus München"]),
        (["--text", "tacos OR noon"], ["bob|Lunch", "carol|Café meeting"]),
        (["--text", "merger", "--period-begin", "2025-03-01", "--period-end", "2025-03-31"], ["alice|Contract draft for review"]),
        (["--sender", "@client.example", "--text", "NOT contract*"], []),
    ]

    /// Runs every search over the stores under `store` and checks the hits.
    static func checkSearches(_ store: URL, label: String) throws {
        for search in searches {
            let hits = try SearchHit.search(store, ["--all-users"] + search.arguments)
            #expect(Set(hits.map { "\($0.user)|\($0.subject ?? "")" }) == search.expected, "\(label): \(search.arguments)")
        }
        let named = try SearchHit.search(store, ["-u", "alice", "-u", "carol", "--text", "merger"])
        #expect(Set(named.map(\.user)) == ["alice", "carol"], "\(label)")
        let limited = try SearchHit.search(store, ["--all-users", "--sender", "@client.example", "--limit", "2", "-j", "1"])
        #expect(limited.count == 2, "\(label)")
    }

    @Test func searchesOverStoresBackedUpFromMaildirsFindTheExpectedMessages() throws {
        let work = try SearchWorkspace()
        try work.backup(source: work.source, extra: [])
        try Self.checkSearches(work.store, label: "maildir")
        let archived = try SearchHit.search(work.store, ["--all-users", "--folder", "Archive", "--text", "merger"])
        #expect(archived.map(\.user) == ["alice"])
        // The listing in CSV has the user first.
        let csv = try Tools.run("brick-restore", [work.store.path, "--all-users", "--sender", "@client.example", "--dry-run", "--format", "csv"])
        #expect(csv.status == 0)
        #expect(csv.stdout.hasPrefix("user,key,folder,"))
        #expect(csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" }.sorted() == ["alice", "bob", "carol"])
    }

    @Test func badSearchArgumentsAreRefusedWithOneLine() throws {
        let work = try SearchWorkspace()
        try work.backup(source: work.source, extra: [])
        let store = work.store.path
        let cases: [([String], String)] = [
            ([store, "--limit", "2", "--dry-run"], "--limit"),
            ([store, "-u", "nobody", "--dry-run"], "nobody: no store"),
            ([store, "--all-users", "-u", "alice", "--dry-run"], "choose one of"),
            ([store, "--all-users", "--settings", "--dry-run"], "settings are restored one user at a time"),
            ([store, "--all-users", "--text", "  ", "--dry-run"], "--text needs at least one word"),
            ([store, "--all-users", "--text", "x", "--to", "maildir:\(work.url.path)/out"], "--restore-root"),
        ]
        for (arguments, message) in cases {
            let result = try Tools.run("brick-restore", arguments)
            #expect(result.status == 2 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test func textAddedBeforeIndexTextIsFoundAfterRebuildText() throws {
        let work = try SearchWorkspace()
        try work.backup(source: work.source, extra: [], indexText: false)
        #expect(try SearchHit.search(work.store, ["--all-users", "--text", "merger"]).isEmpty)
        // Header fields are indexed whatever --index-text says.
        #expect(try SearchHit.search(work.store, ["--all-users", "--subject", "grüße"]).count == 1)
        for user in ["alice", "bob", "carol"] {
            let rebuilt = try Tools.run("brick-backup", ["index", work.store.appendingPathComponent(user).path, "--rebuild-text"])
            #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        }
        try Self.checkSearches(work.store, label: "rebuilt")
    }

    @Test(.enabled(if: IMAPServerFixture.available(.dovecot)))
    func searchesOverStoresBackedUpFromDovecotFindTheExpectedMessages() throws {
        let server = try IMAPServerFixture(.dovecot)
        let work = try SearchWorkspace()
        try work.fill(server)
        try work.backup(source: server.url, extra: server.adminArguments)
        try Self.checkSearches(work.store, label: "dovecot")
        let archived = try SearchHit.search(work.store, ["--all-users", "--folder", "Archive", "--text", "merger"])
        #expect(archived.map(\.user) == ["alice"])
    }

    @Test(.enabled(if: IMAPServerFixture.available(.cyrus)))
    func searchesOverStoresBackedUpFromCyrusFindTheExpectedMessages() throws {
        let server = try IMAPServerFixture(.cyrus)
        let work = try SearchWorkspace()
        try work.fill(server)
        try work.backup(source: server.url, extra: server.adminArguments)
        try Self.checkSearches(work.store, label: "cyrus")
    }

    @Test func restoringHitsIntoEMLWritesAFolderPerUserWithTheBytesKept() throws {
        let work = try SearchWorkspace()
        try work.backup(source: work.source, extra: [])
        let hits = try SearchHit.search(work.store, ["--all-users", "--sender", "@client.example"])
        let out = work.url.appendingPathComponent("discovery")
        let restore = try Tools.run("brick-restore", [work.store.path, "--all-users", "--sender", "@client.example", "--to", "eml:\(out.path)"])
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        for user in ["alice", "bob", "carol"] {
            let directory = out.appendingPathComponent(user)
            let files = try emlFiles(directory)
            let digests = try files.map { SHA256.hash(data: try Data(contentsOf: $0)).map { String(format: "%02x", $0) }.joined() }
            #expect(Set(digests) == Set(hits.filter { $0.user == user }.map(\.sha256)), "\(user)")
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("manifest.csv").path)
                || FileManager.default.fileExists(atPath: directory.appendingPathComponent("manifest.json").path), "\(user): no manifest")
        }
        // The same restore again adds nothing.
        let again = try Tools.run("brick-restore", [work.store.path, "--all-users", "--sender", "@client.example", "--to", "eml:\(out.path)"])
        #expect(again.status == 0 && !again.stdout.contains("restored 1") && !again.stdout.contains("restored 2"), "\(again.stdout)")
    }

    @Test func restoringHitsIntoAnMboxDirectoryPutsEachUserUnderItsName() throws {
        let work = try SearchWorkspace()
        try work.backup(source: work.source, extra: [])
        let out = work.url.appendingPathComponent("mbox")
        let restore = try Tools.run("brick-restore", [work.store.path, "--all-users", "--text", "merger", "--to", "mbox:\(out.path)"])
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        let alice = try String(contentsOf: out.appendingPathComponent("alice/INBOX.mbox"), encoding: .utf8)
        #expect(alice.contains("Subject: Contract draft for review"))
        let archive = try String(contentsOf: out.appendingPathComponent("alice/Archive.mbox"), encoding: .utf8)
        #expect(archive.contains("Subject: Quarterly report"))
        #expect(try String(contentsOf: out.appendingPathComponent("carol/INBOX.mbox"), encoding: .utf8).contains("Contractual obligations"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("bob").path))
    }

    @Test(.enabled(if: IMAPServerFixture.available(.dovecot)))
    func restoringHitsIntoIMAPPutsThemUnderTheRestoreRootWithAFolderPerUser() throws {
        let server = try IMAPServerFixture(.dovecot)
        let work = try SearchWorkspace()
        try work.backup(source: work.source, extra: [])
        let base = [work.store.path, "--all-users", "--sender", "@client.example", "--to", server.url] + server.adminArguments
        let refused = try Tools.run("brick-restore", base)
        #expect(refused.status == 2 && refused.stderr.contains("--restore-root"), "\(refused.stderr)")
        let restore = try Tools.run("brick-restore", base + ["--user", "dave", "--restore-root", "Discovery/CASE-17", "--progress", "never"])
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        let daveStore = work.url.appendingPathComponent("dave-store")
        let backup = try Tools.run("brick-backup", ["backup", "--source", server.url, "-u", "dave", "--store", daveStore.path, "--progress", "never"] + server.adminArguments)
        #expect(backup.status == 0, "\(backup.stderr)")
        let restored = try index(daveStore.appendingPathComponent("dave"))
        #expect(Set(restored.map { "\($0.folder)|\($0.subject ?? "")" }) == [
            "Discovery/CASE-17/alice/INBOX|Contract draft for review", "Discovery/CASE-17/bob/INBOX|Re: Contract signed",
            "Discovery/CASE-17/carol/INBOX|Contractual obligations",
        ])
        let hits = try SearchHit.search(work.store, ["--all-users", "--sender", "@client.example"])
        #expect(Set(restored.compactMap(\.sha256)) == Set(hits.map(\.sha256)))
    }

    private func emlFiles(_ directory: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "eml" }
    }
}

/// One hit of `brick-restore --dry-run --format json` across users.
struct SearchHit: Decodable {
    var user: String
    var key: String
    var folder: String
    var subject: String?
    var sha256: String

    /// Runs a search over the stores under `store`.
    static func search(_ store: URL, _ arguments: [String]) throws -> [SearchHit] {
        let result = try Tools.run("brick-restore", [store.path, "--dry-run", "--format", "json"] + arguments)
        guard result.status == 0 else { throw IndexFailed(status: result.status, stderr: result.stderr) }
        return try JSONDecoder().decode([SearchHit].self, from: Data(result.stdout.utf8))
    }
}

/// A scratch copy of Fixtures/search (alice, bob, carol), message times set from names.
final class SearchWorkspace {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("brick-search-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Tools.packageRoot.appendingPathComponent("Fixtures/search"), to: maildirs)
        try Workspace.setTimesFromNames(maildirs)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    var maildirs: URL { url.appendingPathComponent("maildir") }
    var store: URL { url.appendingPathComponent("store") }
    var source: String { "maildir:\(maildirs.path)/{user}/Maildir" }

    /// Backs up alice, bob and carol from `source` into `store`.
    func backup(source: String, extra: [String], indexText: Bool = true) throws {
        let result = try Tools.run("brick-backup", ["backup", "--source", source, "-u", "alice", "-u", "bob", "-u", "carol",
                                                    "--store", store.path, "--progress", "never"] + (indexText ? ["--index-text"] : []) + extra)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    /// Puts the three users' mail on `server`, through a store of the Maildirs.
    func fill(_ server: IMAPServerFixture) throws {
        let fixtures = url.appendingPathComponent("fixture-store")
        let backup = try Tools.run("brick-backup", ["backup", "--source", source, "--all-users", "--store", fixtures.path, "--progress", "never"])
        #expect(backup.status == 0, "\(backup.stderr)")
        for user in ["alice", "bob", "carol"] {
            let fill = try Tools.run("brick-restore", [fixtures.appendingPathComponent(user).path, "--to", server.url]
                + server.adminArguments + ["--progress", "never"])
            #expect(fill.status == 0, "\(fill.stdout)\(fill.stderr)")
        }
    }
}
