import Foundation
import Testing

/// The built `brick-restore`: round trip through a Maildir, idempotency, file targets,
/// and the filters through `--dry-run`.
@Suite(.serialized) struct RestoreEndToEndTests {
    /// Backs up alice's fixtures and returns the workspace.
    func backedUp() throws -> Workspace {
        let work = try Workspace()
        let result = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path])
        #expect(result.status == 0, "\(result.stderr)")
        return work
    }

    /// Every message file under `root`: bytes → (flags suffix, mtime seconds).
    func messages(in root: URL) -> [Data: [(String, Int)]] {
        var result: [Data: [(String, Int)]] = [:]
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.contentModificationDateKey]) else { return [:] }
        for case let file as URL in walker {
            let parent = file.deletingLastPathComponent().lastPathComponent
            let name = file.lastPathComponent
            guard parent == "cur" || parent == "new", !name.hasPrefix("."), let data = try? Data(contentsOf: file) else { continue }
            let flags = name.range(of: ":2,").map { String(name[$0.upperBound...]) } ?? ""
            let mtime = Int((try? file.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate?.timeIntervalSince1970) ?? 0)
            result[data, default: []].append((flags.filter(\.isUppercase), mtime))
        }
        return result
    }

    @Test func maildirRoundTripIsByteExactWithFlagsAndDates() throws {
        let work = try backedUp()
        let target = work.url.appendingPathComponent("restored")
        let result = try Tools.run("brick-restore", [work.store.appendingPathComponent("alice").path, "--to", "maildir:\(target.path)", "--progress", "never"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let original = messages(in: work.maildir("alice"))
        let restored = messages(in: target)
        #expect(original.count == restored.count)
        for (bytes, copies) in original {
            let back = try #require(restored[bytes], "a message did not come back byte for byte")
            #expect(back.map(\.0).sorted() == copies.map(\.0).sorted())
            #expect(back.map(\.1).sorted() == copies.map(\.1).sorted())
        }
        // The same restore again adds nothing.
        let again = try Tools.run("brick-restore", [work.store.appendingPathComponent("alice").path, "--to", "maildir:\(target.path)", "--progress", "never"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("restored 0,") || again.stdout.contains("restored 0 "), "\(again.stdout)")
        #expect(messages(in: target).values.reduce(0) { $0 + $1.count } == original.values.reduce(0) { $0 + $1.count })
    }

    /// The numbers after "restored " and "replaced " in a summary line.
    func counts(_ summary: String) -> (restored: Int?, replaced: Int?) {
        func number(after label: String) -> Int? {
            guard let range = summary.range(of: label + " ") else { return nil }
            return Int(summary[range.upperBound...].prefix { $0.isNumber })
        }
        return (number(after: "restored"), number(after: "replaced"))
    }

    @Test func overwriteReplacesCopiesWithTheBackedUpFlagsAndLeavesOtherMailAlone() throws {
        let work = try backedUp()
        let target = work.url.appendingPathComponent("restored")
        let restore = [work.store.appendingPathComponent("alice").path, "--to", "maildir:\(target.path)", "--progress", "never"]
        let first = try Tools.run("brick-restore", restore)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(counts(first.stdout).replaced == nil, "\(first.stdout)")
        // Someone changes flags at the target, and new mail arrives.
        let walker = FileManager.default.enumerator(at: target, includingPropertiesForKeys: nil)
        let files = (walker?.compactMap { $0 as? URL } ?? []).filter { $0.deletingLastPathComponent().lastPathComponent == "cur" }
        for file in files {
            let name = file.lastPathComponent
            guard let marker = name.range(of: ":2,") else { continue }
            try FileManager.default.moveItem(at: file, to: file.deletingLastPathComponent().appendingPathComponent(name[..<marker.lowerBound] + ":2,T"))
        }
        let stranger = "From: x@example.org\r\nMessage-ID: <arrived-later@e2e>\r\n\r\nnew mail\r\n"
        try Data(stranger.utf8).write(to: target.appendingPathComponent("cur/1800000000.M1P1.later:2,"))

        for _ in 0..<2 {
            let again = try Tools.run("brick-restore", restore + ["--overwrite"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            let (restored, replaced) = counts(again.stdout)
            #expect(restored == replaced && (replaced ?? 0) > 0, "\(again.stdout)")
            var expected = messages(in: work.maildir("alice"))
            expected[Data(stranger.utf8), default: []].append(("", 0))
            let actual = messages(in: target)
            #expect(Set(actual.keys) == Set(expected.keys))
            for (bytes, copies) in expected where bytes != Data(stranger.utf8) {
                #expect(actual[bytes]?.map(\.0).sorted() == copies.map(\.0).sorted())
                #expect(actual[bytes]?.map(\.1).sorted() == copies.map(\.1).sorted())
            }
            #expect(actual[Data(stranger.utf8)]?.count == 1)
        }
    }

    @Test(.enabled(if: IMAPServerFixture.available(.dovecot))) func overwriteOnIMAPReplacesCopiesAndKeepsOtherMail() throws {
        let work = try backedUp()
        let server = try IMAPServerFixture(.dovecot)
        let store = work.store.appendingPathComponent("alice")
        let restore = [store.path, "--folder", "INBOX", "--to", server.url, "--user", "bob"] + server.adminArguments + ["--progress", "never"]
        let first = try Tools.run("brick-restore", restore)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        try server.doveadm(["save", "-u", "bob", "-m", "INBOX"], input: Data("Message-ID: <later@e2e>\r\n\r\nnew mail\r\n".utf8))
        try server.doveadm(["flags", "replace", "-u", "bob", "$Changed", "mailbox", "INBOX", "all"])
        let backedUpFlags = try index(store, ["--folder", "INBOX"]).map { $0.flags.sorted().joined(separator: " ") }

        let again = try Tools.run("brick-restore", restore + ["--overwrite"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        let (restored, replaced) = counts(again.stdout)
        #expect(restored == backedUpFlags.count && replaced == backedUpFlags.count, "\(again.stdout)")
        let flags = try server.doveadm(["fetch", "-u", "bob", "flags", "mailbox", "INBOX"])
            .split(separator: "\n").filter { $0.hasPrefix("flags:") }
            .map { $0.dropFirst("flags:".count).split(separator: " ").map(String.init).filter { $0 != "\\Recent" }.sorted().joined(separator: " ") }
        #expect(flags.count == backedUpFlags.count + 1)
        #expect(flags.filter { $0 == "$Changed" }.count == 1, "only the message not in the backup keeps the changed flags")
        #expect(flags.filter { $0 != "$Changed" }.sorted() == backedUpFlags.sorted())
    }

    @Test func restoreRootPutsEverythingUnderOneFolder() throws {
        let work = try backedUp()
        let target = work.url.appendingPathComponent("rooted")
        let result = try Tools.run("brick-restore", [
            work.store.appendingPathComponent("alice").path, "--folder", "INBOX", "--to", "maildir:\(target.path)",
            "--restore-root", "Restored/2026-11-22", "--progress", "never",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: target.path)
        #expect(names.contains(".Restored.2026-11-22.INBOX"), "\(names)")
    }

    @Test func mboxAndEmlTargetsHoldEverySelectedMessage() throws {
        let work = try backedUp()
        let store = work.store.appendingPathComponent("alice").path
        let mbox = work.url.appendingPathComponent("inbox.mbox")
        let r1 = try Tools.run("brick-restore", [store, "--folder", "INBOX", "--to", "mbox:\(mbox.path)", "--progress", "never"])
        #expect(r1.status == 0, "\(r1.stderr)")
        let inboxCount = try index(URL(fileURLWithPath: store), ["--folder", "INBOX"]).count
        let text = try String(decoding: Data(contentsOf: mbox), as: UTF8.self)
        #expect(text.components(separatedBy: "\nFrom ").count + (text.hasPrefix("From ") ? 0 : -1) == inboxCount)
        let eml = work.url.appendingPathComponent("eml")
        let r2 = try Tools.run("brick-restore", [store, "--to", "eml:\(eml.path)", "--progress", "never"])
        #expect(r2.status == 0, "\(r2.stderr)")
        let manifest = try String(contentsOf: eml.appendingPathComponent("manifest.csv"), encoding: .utf8)
        let backedUp = try index(URL(fileURLWithPath: store)).count
        #expect(manifest.split(whereSeparator: \.isNewline).count == backedUp + 1)
    }

    @Test func unknownFolderOrKeyListsNearMatches() throws {
        let work = try backedUp()
        let store = work.store.appendingPathComponent("alice").path
        let folder = try Tools.run("brick-restore", [store, "--folder", "Snet", "--dry-run"])
        #expect(folder.status == 2)
        #expect(folder.stderr.contains("Sent"), "\(folder.stderr)")
        let key = try Tools.run("brick-restore", [store, "--key", "nosuchkey", "--dry-run"])
        #expect(key.status == 2)
        let missingTarget = try Tools.run("brick-restore", [store])
        #expect(missingTarget.status == 2)
    }

    @Test func dryRunListsExactlyTheSelectedItems() throws {
        let work = try backedUp()
        let store = work.store.appendingPathComponent("alice")
        let all = try index(store)
        let sample = try #require(all.first { $0.from?.contains("@") == true })
        let sender = try #require(sample.from)
        let listed = try Tools.run("brick-restore", [store.path, "--sender", sender.uppercased(), "--dry-run", "--format", "json"])
        #expect(listed.status == 0)
        let items = try JSONDecoder().decode([IndexedItem].self, from: Data(listed.stdout.utf8))
        #expect(Set(items.map(\.key)) == Set(all.filter { $0.from == sender }.map(\.key)))
        let byKey = try Tools.run("brick-restore", [store.path, "--key", sample.key, "--dry-run", "--format", "json"])
        #expect(try JSONDecoder().decode([IndexedItem].self, from: Data(byKey.stdout.utf8)).map(\.key) == [sample.key])
    }
}
