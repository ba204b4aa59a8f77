import Foundation
import Testing

/// One store per format, written by the code of that format (Fixtures/golden-stores,
/// docs/FORMAT.md §5): today's executables must migrate it, verify it, list the items
/// the old code listed, and back up into it.
@Suite(.serialized) struct GoldenStoreTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) func storeWrittenByAnEarlierFormatMigratesVerifiesAndListsItsItems(format: Int) throws {
        let golden = Tools.packageRoot.appendingPathComponent("Fixtures/golden-stores/format-\(format)")
        let work = try Workspace()
        let alice = work.store.appendingPathComponent("alice")
        try FileManager.default.createDirectory(at: work.store, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: golden.appendingPathComponent("alice"), to: alice)
        let expected = try JSONDecoder().decode(
            [IndexedItem].self, from: Data(contentsOf: golden.appendingPathComponent("expected-index.json")))
        #expect(!expected.isEmpty)
        // From format 6 the store holds a message in segment records (body kind 2).
        #expect(format < 6 || expected.contains { $0.size > 16 << 20 })
        // From format 9 the store holds calendar and contact items, one event deleted upstream.
        #expect(format < 9 || expected.filter { $0.folder.hasPrefix("Calendars/") || $0.folder.hasPrefix("Contacts/") }.count == 3)

        let verify = try Tools.run("brick-backup", ["verify", alice.path, "--progress", "never"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let listed = try index(alice, ["--deleted", "yes"])
        #expect(summary(listed) == summary(expected))
        // The migration to format 7 indexes the rows already there for full-text search.
        let munich = expected.filter { $0.deleted == nil && ($0.subject ?? "").contains("München") }
        #expect(!munich.isEmpty)
        #expect(summary(try index(alice, ["--subject", "munchen"])) == summary(munich))
        // Only a store of format 7 or later was backed up with --index-text: the body's words are found.
        let bodyHits = try index(alice, ["--text", "\"RFC 2047 Q-encoded\" flagged"])
        #expect(bodyHits.map(\.key) == (format >= 7 ? ["1700000200.M3P1.fixture"] : []))
        // From format 11 the runs rows keep the calendar and contact counts by kind.
        let runs = try Tools.run("brick-backup", ["runs", alice.path, "--format", "csv"])
        #expect(runs.stdout.contains("events 2 new; contacts 1 new") == (format >= 11), "\(runs.stdout)")
        let holds = try Tools.run("brick-backup", ["hold", "list", "--store", work.store.path, "--format", "csv"])
        #expect(holds.status == 0, "\(holds.stderr)")
        #expect(holds.stdout.contains("Golden case") == (format >= 7), "\(holds.stdout)")
        // From format 5 on: every setting version kept, as that code listed it.
        let settingsFile = golden.appendingPathComponent("expected-settings.json")
        if FileManager.default.fileExists(atPath: settingsFile.path) {
            let expectedSettings = try JSONDecoder().decode([ListedSetting].self, from: Data(contentsOf: settingsFile))
            #expect(!expectedSettings.isEmpty)
            #expect(try settings(alice, []).map(\.listed) == expectedSettings.map(\.listed))
        }

        // Today's backup of the same Maildir into it adds nothing and keeps it sound.
        let backup = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(summary(try index(alice, ["--deleted", "yes"])) == summary(expected))
        let again = try Tools.run("brick-backup", ["verify", alice.path, "--progress", "never"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    }

    /// The sealed store of format 8 (docs/FORMAT.md §10), written with the published test
    /// key of Fixtures/store-sealing: it opens with the key file or the passphrase.
    @Test(arguments: ["BRICK_STORE_KEY_FILE", "BRICK_STORE_PASSPHRASE_FILE"])
    func theSealedGoldenStoreOpensWithThePublishedKeyAndTakesABackup(variable: String) throws {
        let work = try Workspace()
        let fixture = Tools.packageRoot.appendingPathComponent(
            variable == "BRICK_STORE_KEY_FILE" ? "Fixtures/store-sealing/unlock.key" : "Fixtures/store-sealing/passphrase.txt")
        // Git keeps the fixture 0644; Brick refuses a secret others can read.
        let secret = work.url.appendingPathComponent("secret").path
        try FileManager.default.copyItem(atPath: fixture.path, toPath: secret)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
        let alice = work.store.appendingPathComponent("alice")
        try FileManager.default.createDirectory(at: work.store, withIntermediateDirectories: true)
        let golden = Tools.packageRoot.appendingPathComponent("Fixtures/golden-stores/format-8-sealed")
        try FileManager.default.copyItem(at: golden.appendingPathComponent("alice"), to: alice)
        try FileManager.default.copyItem(at: golden.appendingPathComponent("store-key"), to: work.store.appendingPathComponent("store-key"))
        let expected = try JSONDecoder().decode([IndexedItem].self, from: Data(contentsOf: golden.appendingPathComponent("expected-index.json")))
        #expect(expected.contains { $0.size > 16 << 20 })
        let key = [variable: secret]
        let verify = try Tools.run("brick-backup", ["verify", alice.path, "--progress", "never"], environment: key)
        #expect(verify.status == 0 && !verify.stdout.contains("not opened"), "\(verify.stdout)\(verify.stderr)")
        let listed = try index(alice, ["--deleted", "yes"])
        #expect(listed.map { "\($0.folder)|\($0.key)|\($0.size)" }.sorted() == expected.map { "\($0.folder)|\($0.key)|\($0.size)" }.sorted())
        let backup = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"], environment: key)
        #expect(backup.status == 0, "\(backup.stderr)")
        let again = try Tools.run("brick-backup", ["verify", alice.path, "--progress", "never"], environment: key)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    }

    /// What must not change across formats: each item's key, folder, subject, sender,
    /// size and flags.
    private func summary(_ items: [IndexedItem]) -> [String] {
        items.map { "\($0.folder)|\($0.key)|\($0.subject ?? "")|\($0.from ?? "")|\($0.size)|\($0.flags.sorted())" }.sorted()
    }
}
