import Foundation
import Testing

/// `init --encrypt --encrypt-catalog-text` through the built executables (docs/FORMAT.md
/// §10.6): with the key, filters answer as in a plain store; without it, sender and text
/// filters stop with one line while the others work; no subject or address is in any
/// file of the store in clear; bundles carry the text to replicas of either kind.
@Suite struct SealedCatalogTextEndToEndTests {
    let golden = Tools.packageRoot.appendingPathComponent("Fixtures/golden-stores/format-10-sealed")

    /// A plain root and a root sealing catalog text, both backed up from the fixtures.
    func twoStores(_ work: Workspace) throws -> (plain: URL, sealed: URL, key: [String: String]) {
        let plain = work.url.appendingPathComponent("plain")
        let keyFile = work.url.appendingPathComponent("unlock.key").path
        let made = try Tools.run("brick-backup", ["init", "--encrypt", "--encrypt-catalog-text", "--store", work.store.path, "--key-file", keyFile])
        #expect(made.status == 0 && made.stdout.contains("catalog text sealed"), "\(made.stdout)\(made.stderr)")
        let key = ["BRICK_STORE_KEY_FILE": keyFile]
        for (root, environment) in [(plain, [:]), (work.store, key)] {
            let backup = try Tools.run("brick-backup", ["backup", "--source", work.source, "--all-users", "--store", root.path, "--progress", "never"], environment: environment)
            #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        }
        return (plain, work.store, key)
    }

    func listing(_ user: URL, _ filter: [String], _ environment: [String: String] = [:]) throws -> [String] {
        let result = try Tools.run("brick-backup", ["index", user.path, "--deleted", "yes", "--format", "json"] + filter, environment: environment)
        #expect(result.status == 0, "\(filter): \(result.stderr)")
        let items = try JSONDecoder().decode([IndexedItem].self, from: Data(result.stdout.utf8))
        return items.map { "\($0.folder)|\($0.key)|\($0.from ?? "")|\($0.subject ?? "")" }.sorted()
    }

    @Test func withTheKeyFiltersAnswerAsInAPlainStoreAndNoTextIsInClear() throws {
        let work = try Workspace()
        let (plain, sealed, key) = try twoStores(work)
        let plainAlice = plain.appendingPathComponent("alice"), sealedAlice = sealed.appendingPathComponent("alice")
        let all = try JSONDecoder().decode([IndexedItem].self, from: Data(try Tools.run("brick-backup", ["index", plainAlice.path, "--deleted", "yes", "--format", "json"]).stdout.utf8))
        let senders = Array(Set(all.compactMap(\.from))).sorted()
        #expect(senders.count >= 2)
        let domains = Array(Set(senders.compactMap { $0.split(separator: "@").last.map { "@" + $0 } })).sorted()
        var filters: [[String]] = [[], ["--subject", "munchen"], ["--text", "example"], ["--folder", "INBOX"]]
        filters += senders.prefix(4).map { ["--sender", $0.uppercased()] } + domains.prefix(3).map { ["--sender", $0] }
        for filter in filters {
            #expect(try listing(sealedAlice, filter, key) == listing(plainAlice, filter), "\(filter)")
        }

        // Without the key: filters on text stop with one line; the others list rows without text.
        for filter in [["--sender", senders[0]], ["--sender", domains[0]], ["--subject", "munchen"], ["--text", "example"]] {
            let refused = try Tools.run("brick-backup", ["index", sealedAlice.path] + filter)
            #expect(refused.status == 2 && refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("catalog text"), "\(filter): \(refused.stderr)")
            let restore = try Tools.run("brick-restore", [sealedAlice.path, "--dry-run"] + filter)
            #expect(restore.status == 2 && restore.stderr.split(separator: "\n").count == 1, "\(filter): \(restore.stderr)")
        }
        let byFolder = try Tools.run("brick-restore", [sealedAlice.path, "--dry-run", "--folder", "INBOX"])
        #expect(byFolder.status == 0, "\(byFolder.stderr)")
        #expect(try listing(sealedAlice, ["--folder", "INBOX"]).count == listing(plainAlice, ["--folder", "INBOX"]).count)

        // No subject word, sender address or name in clear in any file of the sealed root.
        // Folder names, Message-IDs, flags and the schema's (lower-case) names stay in
        // clear: capitalised words found in them are left out.
        struct Listed: Decodable { var folder: String; var messageID: String?; var fromName: String?; var subject: String?; var flags: [String] }
        let rows = try JSONDecoder().decode([Listed].self, from: Data(try Tools.run("brick-backup", ["index", plainAlice.path, "--deleted", "yes", "--format", "json"]).stdout.utf8))
        let inClear = rows.map { ([$0.folder, $0.messageID ?? ""] + $0.flags).joined(separator: " ") }.joined(separator: " ").lowercased()
        var words = Set(senders)
        for row in rows {
            for word in ((row.subject ?? "") + " " + (row.fromName ?? "")).split(separator: " ")
            where word.count >= 5 && word.allSatisfy(\.isLetter) && word.first!.isUppercase && !inClear.contains(word.lowercased()) {
                words.insert(String(word))
            }
        }
        #expect(words.count >= 8, "\(words)")
        let walker = FileManager.default.enumerator(at: sealed, includingPropertiesForKeys: nil)!
        for case let file as URL in walker {
            guard let bytes = try? Data(contentsOf: file) else { continue }
            for word in words { #expect(bytes.range(of: Data(word.utf8)) == nil, "\(file.path) holds \(word) in clear") }
        }
    }

    @Test func bundlesCarryTheTextToAPlainReplicaAndToOneSealedWithItsOwnKey() throws {
        let work = try Workspace()
        let (_, sealed, key) = try twoStores(work)
        let bundles = work.url.appendingPathComponent("bundles")
        let export = try Tools.run("brick-backup", ["export", "--target", "vault", "--to", bundles.path, "-u", "alice", "--store", sealed.path, "--no-encrypt", "--progress", "never"], environment: key)
        #expect(export.status == 0, "\(export.stdout)\(export.stderr)")
        let expected = try listing(sealed.appendingPathComponent("alice"), [], key)
        let plainReplica = work.url.appendingPathComponent("plain-replica")
        let imported = try Tools.run("brick-backup", ["import", bundles.path, "--store", plainReplica.path, "--progress", "never"])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        #expect(try listing(plainReplica.appendingPathComponent("alice"), []) == expected)

        let sealedReplica = work.url.appendingPathComponent("sealed-replica")
        let replicaKey = work.url.appendingPathComponent("replica.key").path
        #expect(try Tools.run("brick-backup", ["init", "--encrypt", "--encrypt-catalog-text", "--store", sealedReplica.path, "--key-file", replicaKey]).status == 0)
        let atReplica = ["BRICK_STORE_KEY_FILE": replicaKey]
        let sealedImport = try Tools.run("brick-backup", ["import", bundles.path, "--store", sealedReplica.path, "--progress", "never"], environment: atReplica)
        #expect(sealedImport.status == 0, "\(sealedImport.stdout)\(sealedImport.stderr)")
        let replicaAlice = sealedReplica.appendingPathComponent("alice")
        #expect(try listing(replicaAlice, [], atReplica) == expected)
        let sender = try #require(expected.first.map { String($0.split(separator: "|", omittingEmptySubsequences: false)[2]) })
        #expect(try listing(replicaAlice, ["--sender", sender], atReplica) == listing(sealed.appendingPathComponent("alice"), ["--sender", sender], key))
        #expect(try listing(replicaAlice, []).allSatisfy { $0.hasSuffix("||") })
    }

    @Test func aTextIndexRebuildIsRefusedWithOneLineAndExitCode2() throws {
        let work = try Workspace()
        let (_, sealed, key) = try twoStores(work)
        let alice = sealed.appendingPathComponent("alice").path
        let searched = try listing(sealed.appendingPathComponent("alice"), ["--subject", "munchen"], key)
        for environment in [key, [:]] {
            let refused = try Tools.run("brick-backup", ["index", alice, "--rebuild-text"], environment: environment)
            #expect(refused.status == 2 && refused.stderr.split(separator: "\n").count == 1, "\(refused.stdout)\(refused.stderr)")
        }
        let withKey = try Tools.run("brick-backup", ["index", alice, "--rebuild-text"], environment: key)
        #expect(withKey.stderr.contains("keeps no text index") && withKey.stdout.isEmpty, "\(withKey.stderr)")
        #expect(try listing(sealed.appendingPathComponent("alice"), ["--subject", "munchen"], key) == searched)
    }

    @Test func theGoldenStoreListsItsTextWithTheKeyAndTakesABackup() throws {
        let work = try Workspace()
        let secret = work.url.appendingPathComponent("secret").path
        try FileManager.default.copyItem(atPath: Tools.packageRoot.appendingPathComponent("Fixtures/store-sealing/unlock.key").path, toPath: secret)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
        let alice = work.store.appendingPathComponent("alice")
        try FileManager.default.createDirectory(at: work.store, withIntermediateDirectories: true)
        for name in ["alice", "store-key", "catalog-text"] {
            try FileManager.default.copyItem(at: golden.appendingPathComponent(name), to: work.store.appendingPathComponent(name))
        }
        let expected = try JSONDecoder().decode([IndexedItem].self, from: Data(contentsOf: golden.appendingPathComponent("expected-index.json")))
        let key = ["BRICK_STORE_KEY_FILE": secret]
        let summary = expected.map { "\($0.folder)|\($0.key)|\($0.from ?? "")|\($0.subject ?? "")" }.sorted()
        #expect(try listing(alice, [], key) == summary)
        #expect(try listing(alice, []) == expected.map { "\($0.folder)|\($0.key)||" }.sorted())
        let bob = expected.filter { $0.from == "bob@example.org" }.map { "\($0.folder)|\($0.key)|\($0.from ?? "")|\($0.subject ?? "")" }.sorted()
        #expect(try !bob.isEmpty && listing(alice, ["--sender", "bob@example.org"], key) == bob)
        let backup = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"], environment: key)
        #expect(backup.status == 0, "\(backup.stderr)")
        let verify = try Tools.run("brick-backup", ["verify", alice.path, "--progress", "never"], environment: key)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(try listing(alice, [], key) == summary)
    }

    @Test func theIndependentReaderOpensTheGoldenStoresCatalogText() throws {
        let work = try Workspace()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Tools.packageRoot.appendingPathComponent("tools/unseal-store").path, golden.path, "alice", "--key-file",
            Tools.packageRoot.appendingPathComponent("Fixtures/store-sealing/unlock.key").path, "--catalog",
        ]
        process.currentDirectoryURL = work.url
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let collected = Tools.ErrorCollector(errors.fileHandleForReading)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: collected.wait(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "tools/unseal-store --catalog: \(text)\(message)")
        struct Row: Decodable { var key: String; var subject: String?; var from: String? }
        let rows = try text.split(separator: "\n").filter { $0.hasPrefix("{") }.map { try JSONDecoder().decode(Row.self, from: Data($0.utf8)) }
        let expected = try JSONDecoder().decode([IndexedItem].self, from: Data(contentsOf: golden.appendingPathComponent("expected-index.json")))
        #expect(!rows.isEmpty)
        #expect(rows.map { "\($0.key)|\($0.from ?? "")|\($0.subject ?? "")" }.sorted() == expected.map { "\($0.key)|\($0.from ?? "")|\($0.subject ?? "")" }.sorted())
    }
}
