import BrickStore
import Crypto
import Foundation
import Testing

/// Sealed stores through the built executables (docs/FORMAT.md §10): `init --encrypt`,
/// backup, restore, verify and the golden sealed store, keys given only by file or
/// environment.
@Suite struct SealedStoreEndToEndTests {
    let fixtureKey = Tools.packageRoot.appendingPathComponent("Fixtures/store-sealing/unlock.key")
    let fixturePassphrase = Tools.packageRoot.appendingPathComponent("Fixtures/store-sealing/passphrase.txt")
    let golden = Tools.packageRoot.appendingPathComponent("Fixtures/golden-stores/format-8-sealed")

    func mode(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
    }

    func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    @Test func aSealedRootBacksUpAndRestoresAndKeepsNoMessageTextInClear() throws {
        let work = try Workspace()
        let keyFile = work.url.appendingPathComponent("unlock.key").path
        let passphraseFile = work.url.appendingPathComponent("passphrase").path
        let passphrase = "a passphrase that must never be printed"
        try #require(FileManager.default.createFile(atPath: passphraseFile, contents: Data(passphrase.utf8), attributes: [.posixPermissions: 0o600]))
        var outputs: [Tools.Result] = []
        let made = try Tools.run("brick-backup", ["init", "--encrypt", "--store", work.store.path, "--key-file", keyFile, "--passphrase-file", passphraseFile])
        outputs.append(made)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try mode(keyFile) == 0o600 && mode(work.store.appendingPathComponent("store-key").path) == 0o600)
        let keyText = try String(contentsOfFile: keyFile, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("BRICK-UNLOCK-") }.map(String.init) ?? "?"
        let backupArguments = ["backup", "--source", work.source, "--all-users", "--store", work.store.path, "--progress", "never"]

        let refused = try Tools.run("brick-backup", backupArguments)
        #expect(refused.status == 2 && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("sealed") && refused.stderr.contains("BRICK_STORE_KEY_FILE"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.store.appendingPathComponent("alice/catalog.sqlite").path))

        let byPassphrase = ["BRICK_STORE_PASSPHRASE_FILE": passphraseFile]
        let backup = try Tools.run("brick-backup", backupArguments, environment: byPassphrase)
        outputs.append(backup)
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")

        // No message body (nor the key) in any file of the store but the catalog, which
        // keeps the metadata in clear.
        let sources = work.messageFiles("alice") + work.messageFiles("bob")
        let bodies = try sources.map { file -> Data in
            let bytes = try Data(contentsOf: file)
            let split = bytes.range(of: Data("\n\n".utf8)) ?? bytes.range(of: Data("\r\n\r\n".utf8))
            return Data(bytes[(split?.upperBound ?? 0)...].prefix(40))
        }.filter { $0.count >= 16 }
        #expect(bodies.count >= 10)
        let walker = FileManager.default.enumerator(at: work.store, includingPropertiesForKeys: nil)!
        for case let file as URL in walker where !file.lastPathComponent.hasPrefix("catalog.sqlite") {
            guard let bytes = try? Data(contentsOf: file) else { continue }
            for body in bodies { #expect(bytes.range(of: body) == nil, "\(file.path) holds a message body in clear") }
            #expect(bytes.range(of: Data(keyText.utf8)) == nil && bytes.range(of: Data(passphrase.utf8)) == nil)
        }

        let alice = work.store.appendingPathComponent("alice").path
        let byKeyFile = ["BRICK_STORE_KEY_FILE": keyFile]
        let eml = work.url.appendingPathComponent("eml")
        let noKey = try Tools.run("brick-restore", [alice, "--to", "eml:\(eml.path)", "--progress", "never"])
        #expect(noKey.status == 2 && noKey.stderr.split(separator: "\n").count == 1 && noKey.stderr.contains("sealed"), "\(noKey.stderr)")
        let wrong = try Tools.run("brick-restore", [alice, "--to", "eml:\(eml.path)"], environment: ["BRICK_STORE_PASSPHRASE": "wrong"])
        #expect(wrong.status == 2 && wrong.stderr.contains("does not open"), "\(wrong.stderr)")
        let restored = try Tools.run("brick-restore", [alice, "--to", "eml:\(eml.path)", "--progress", "never"], environment: byKeyFile)
        outputs.append(restored)
        #expect(restored.status == 0, "\(restored.stderr)")
        let restoredFiles = try FileManager.default.subpathsOfDirectory(atPath: eml.path).filter { $0.hasSuffix(".eml") }
        let restoredDigests = Set(try restoredFiles.map { sha256(try Data(contentsOf: eml.appendingPathComponent($0))) })
        let sourceDigests = Set(try work.messageFiles("alice").map { sha256(try Data(contentsOf: $0)) })
        #expect(restoredFiles.count == work.messageFiles("alice").count && restoredDigests == sourceDigests)

        let verify = try Tools.run("brick-backup", ["verify", alice, "--progress", "never"], environment: byKeyFile)
        #expect(verify.status == 0 && verify.stdout.contains("0 damaged"), "\(verify.stdout)\(verify.stderr)")
        let blind = try Tools.run("brick-backup", ["verify", alice, "--progress", "never"])
        #expect(blind.status == 0 && blind.stdout.contains("not opened"), "\(blind.stdout)\(blind.stderr)")

        // The next backup goes on incrementally in the sealed store.
        let inbox = work.maildir("alice").appendingPathComponent("cur/1800000001.M1P1.sealed:2,S")
        try Data("From: x@example.org\nSubject: later\n\nA later sealed body line.\n".utf8).write(to: inbox)
        let again = try Tools.run("brick-backup", backupArguments, environment: byKeyFile)
        outputs.append(again)
        #expect(again.status == 0 && again.stdout.contains("alice                1  "), "\(again.stdout)")
        for output in outputs {
            #expect(!output.stdout.contains(passphrase) && !output.stderr.contains(passphrase))
            #expect(!output.stdout.contains(keyText) && !output.stderr.contains(keyText))
        }
    }

    @Test(arguments: ["--key-file", "--passphrase-file"])
    func theIndependentUnsealerOpensEveryItemOfTheSealedGoldenStore(option: String) throws {
        let work = try Workspace()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Tools.packageRoot.appendingPathComponent("tools/unseal-store").path, golden.path, "alice", option,
            (option == "--key-file" ? fixtureKey : fixturePassphrase).path,
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
        #expect(process.terminationStatus == 0, "tools/unseal-store (needs python3-cryptography, db5.3-util, lz4): \(text)\(message)")
        let expected = try JSONDecoder().decode([IndexedItem].self, from: Data(contentsOf: golden.appendingPathComponent("expected-index.json")))
        let lines = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { $0.count == 4 && $0[1] != "items," }
        #expect(lines.map { "\($0[1])|\($0[3])" }.sorted() == expected.map { "\($0.key)|\($0.sha256 ?? "")" }.sorted())
        #expect(lines.contains { $0[2] == "segmented" } && lines.contains { $0[2] == "reference" })
    }

    @Test func bundlesOfASealedStoreRebuildASealedReplicaWithItsOwnKeyEqualToThePrimary() throws {
        let work = try Workspace()
        let replica = work.url.appendingPathComponent("replica")
        let bundles = work.url.appendingPathComponent("bundles")
        let primaryKey = work.url.appendingPathComponent("primary.key").path
        let replicaKey = work.url.appendingPathComponent("replica.key").path
        #expect(try Tools.run("brick-backup", ["init", "--encrypt", "--store", work.store.path, "--key-file", primaryKey]).status == 0)
        #expect(try Tools.run("brick-backup", ["init", "--encrypt", "--store", replica.path, "--key-file", replicaKey]).status == 0)
        let atPrimary = ["BRICK_STORE_KEY_FILE": primaryKey]
        // A message above 16 MiB travels as pieces that import cuts into segment records:
        // they too must be sealed on the replica. Its text is random, so LZ4 keeps it as is.
        var generator = SystemRandomNumberGenerator()
        let large = (0..<(17 << 20) / 3).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let largeBody = Data(large).base64EncodedString(options: .lineLength76Characters)
        try Data("From: big@example.org\nSubject: large\n\n\(largeBody)\n".utf8)
            .write(to: work.maildir("alice").appendingPathComponent("cur/1800000003.M3P1.large:2,S"))
        let backup = ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]
        let export = ["export", "--target", "vault", "--to", bundles.path, "-u", "alice", "--store", work.store.path, "--no-encrypt", "--progress", "never"]
        let importing = ["import", bundles.path, "--store", replica.path, "--progress", "never"]
        #expect(try Tools.run("brick-backup", backup, environment: atPrimary).status == 0)
        #expect(try Tools.run("brick-backup", export, environment: atPrimary).status == 0)
        // Export needs the primary's key; import needs the replica's, not the primary's.
        #expect(try Tools.run("brick-backup", export).status == 2)
        let wrongKey = try Tools.run("brick-backup", importing, environment: atPrimary)
        #expect(wrongKey.status == 2 && wrongKey.stderr.contains("does not open"), "\(wrongKey.stderr)")
        #expect(try Tools.run("brick-backup", importing, environment: ["BRICK_STORE_KEY_FILE": replicaKey]).status == 0)

        let later = work.maildir("alice").appendingPathComponent("cur/1800000002.M2P1.sealed:2,S")
        try Data("From: y@example.org\nSubject: later\n\nAnother later body.\n".utf8).write(to: later)
        #expect(try Tools.run("brick-backup", backup, environment: atPrimary).status == 0)
        #expect(try Tools.run("brick-backup", export, environment: atPrimary).status == 0)
        #expect(try Tools.run("brick-backup", importing, environment: ["BRICK_STORE_KEY_FILE": replicaKey]).status == 0)

        let keyring = StoreKeyring()
        for path in [primaryKey, replicaKey] { keyring.add(try StoreKeySecret(keyFileText: String(contentsOfFile: path, encoding: .utf8))) }
        let differences = try StoreComparison.differences(
            work.store.appendingPathComponent("alice"), replica.appendingPathComponent("alice"), keyring: keyring)
        #expect(differences.isEmpty, "\(differences)")
        let snippet = Data(largeBody.utf8.dropFirst(8 << 20).prefix(64))
        let walker = FileManager.default.enumerator(at: replica, includingPropertiesForKeys: nil)!
        for case let file as URL in walker where (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            #expect(try Data(contentsOf: file).range(of: snippet) == nil, "\(file.path) holds the large message in clear")
        }
        let sealing = try String(contentsOf: replica.appendingPathComponent("alice/sealing"), encoding: .utf8)
        #expect(sealing != (try String(contentsOf: work.store.appendingPathComponent("alice/sealing"), encoding: .utf8)))
        let openKey = work.url.appendingPathComponent("open.key").path
        try FileManager.default.copyItem(atPath: replicaKey, toPath: openKey)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: openKey)
        let refused = try Tools.run("brick-backup", ["verify", replica.appendingPathComponent("alice").path], environment: ["BRICK_STORE_KEY_FILE": openKey])
        #expect(refused.status == 2 && refused.stderr.contains("chmod 600"), "\(refused.stderr)")
    }
}
