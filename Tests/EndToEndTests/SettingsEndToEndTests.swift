import BrickBundle
import BrickOffsite
import Foundation
import Testing

/// Settings besides messages through the built executables, on a Maildir with
/// Dovecot's files: backed up, changed, backed up again, listed, restored into an
/// empty user (latest and as of the first run) and read back by another backup.
@Suite(.serialized) struct SettingsEndToEndTests {
    /// Two scripts (one active, one not valid Sieve), ACLs for bob on INBOX and Sent,
    /// subscriptions including a folder that does not exist.
    func aliceWithSettings(_ work: Workspace) throws -> DovecotHome {
        let home = DovecotHome(root: work.maildirs.appendingPathComponent("alice"))
        try home.writeScript("filters", "require \"fileinto\";\nif header :contains \"subject\" \"x\" { fileinto \"Sent\"; }\n")
        try home.writeScript("broken", "this is { not sieve \u{7}\n")
        try home.activate("filters")
        try home.writeFile("Maildir/subscriptions", "V\t2\n\nINBOX\nSent\nNo such\tfolder\n")
        try home.writeFile("Maildir/dovecot-acl", "user=bob lr\n")
        try home.writeFile("Maildir/.Sent/dovecot-acl", "user=bob lrs\nanyone l\n")
        return home
    }

    private func backup(_ work: Workspace, store: URL? = nil, source: String? = nil) throws -> Tools.Result {
        let result = try Tools.run("brick-backup", [
            "backup", "--source", source ?? work.source, "-u", "alice", "--store", (store ?? work.store).path, "--progress", "never",
        ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        return result
    }

    @Test func settingsComeBackAsTheyWereLatestAndAsOfTheFirstRunAndARerunChangesNothing() throws {
        let work = try Workspace()
        let home = try aliceWithSettings(work)
        _ = try backup(work)
        let store = work.store.appendingPathComponent("alice")
        let firstState = try settings(store)
        let scriptsActiveSubscriptionsACLs = 2 + 1 + 3 + 3
        #expect(firstState.count == scriptsActiveSubscriptionsACLs)
        #expect(firstState.contains { $0.kind == "sieve" && $0.name == "broken" && $0.size == 22 })
        let firstRun = try #require(firstState.map(\.changed).max())

        try home.writeScript("filters", "keep;\n")
        try home.remove("sieve/broken.sieve")
        try home.writeFile("Maildir/.Sent/dovecot-acl", "user=bob lrswi\n")
        try home.writeFile("Maildir/subscriptions", "V\t2\n\nINBOX\nNo such\tfolder\n")
        _ = try backup(work)
        let versions = try settings(store, [])
        #expect(versions.count == firstState.count + 2)
        #expect(versions.contains { $0.name == "broken" && $0.deleted != nil })
        #expect(versions.filter { $0.kind == "subscriptions" && $0.deleted != nil }.map(\.name) == ["Sent"])

        for (asOf, expected) in [(nil as String?, try settings(store)), (firstRun, firstState)] {
            let target = work.url.appendingPathComponent("restored-\(asOf == nil ? "latest" : "first")")
            let arguments = [store.path, "--settings", "--to", "maildir:\(target.path)/alice/Maildir"] + (asOf.map { ["--as-of", $0] } ?? [])
            let restore = try Tools.run("brick-restore", arguments)
            #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
            let again = try Tools.run("brick-restore", arguments)
            #expect(again.stdout.contains("settings: restored 0,"), "\(again.stdout)\(again.stderr)")
            let readBack = work.url.appendingPathComponent("readback-\(asOf == nil ? "latest" : "first")")
            _ = try backup(work, store: readBack, source: "maildir:\(target.path)/{user}/Maildir")
            let restored = try settings(readBack.appendingPathComponent("alice"))
            #expect(restored.map(\.identity).sorted() == expected.map(\.identity).sorted(), "as of \(asOf ?? "latest")")
        }
    }

    @Test func theListingGivesKindFolderNameSizeAndDatesAsCSV() throws {
        let work = try Workspace()
        _ = try aliceWithSettings(work)
        _ = try backup(work)
        let result = try Tools.run("brick-backup", ["settings", work.store.appendingPathComponent("alice").path, "--kind", "acl", "--format", "csv"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "kind,folder,name,size,changed,deleted,value")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("acl,") })
        #expect(lines.contains { $0.hasPrefix("acl,Sent,bob,3,") && $0.hasSuffix(",lrs") })
    }

    @Test func aRestoreSelectsSettingsByFolderAndKindAndWritesThemBesideEMLFiles() throws {
        let work = try Workspace()
        _ = try aliceWithSettings(work)
        _ = try backup(work)
        let store = work.store.appendingPathComponent("alice")
        let listed = try Tools.run("brick-restore", [store.path, "--acl", "--subscriptions", "--folder", "Sent", "--dry-run", "--format", "csv"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = listed.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 3 && rows.allSatisfy { $0.hasPrefix("acl,Sent,") || $0.hasPrefix("subscriptions,,Sent,") }, "\(listed.stdout)")
        let target = work.url.appendingPathComponent("eml")
        let written = try Tools.run("brick-restore", [store.path, "--kind", "sieve", "--to", "eml:\(target.path)"])
        #expect(written.status == 0, "\(written.stdout)\(written.stderr)")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: target.appendingPathComponent("%settings/sieve").path).sorted()
        #expect(scripts == ["broken.sieve", "filters.sieve"])
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("%settings/acl.json").path))
        #expect(try Data(contentsOf: target.appendingPathComponent("%settings/sieve/broken.sieve")) == Data("this is { not sieve \u{7}\n".utf8))
    }

    @Test func settingsTravelInBundlesToAReplica() throws {
        let work = try Workspace()
        let site = OffsiteWorkspace(work: work)
        let home = try aliceWithSettings(work)
        try site.backup(["alice"])
        try site.export()
        try home.writeScript("filters", "keep;\n")
        try site.backup(["alice"])
        try site.export()
        let result = try site.importing([site.bundles.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try site.differences("alice").isEmpty)
        let primary = try settings(work.store.appendingPathComponent("alice"), [])
        let replica = try settings(site.replica.appendingPathComponent("alice"), [])
        #expect(!primary.isEmpty && replica.map(\.identity) == primary.map(\.identity))
    }
}

extension SettingsEndToEndTests {
    @Test func settingVersionsFoldedByConsolidationStillRebuildThePrimary() throws {
        let work = try Workspace()
        let site = OffsiteWorkspace(work: work)
        let home = try aliceWithSettings(work)
        try site.backup(["alice"])
        try site.export()
        try home.writeScript("filters", "keep;\n")
        try home.remove("sieve/broken.sieve")
        try site.backup(["alice"])
        try site.export()
        try home.writeScript("filters", "discard;\n")
        try home.writeFile("Maildir/.Sent/dovecot-acl", "user=bob l\n")
        try site.backup(["alice"])
        try site.purge()
        try site.export()
        let chain = try BundleDirectory.chain(in: site.bundles, user: "alice").bundles
        try #require(chain.count == 3)
        let folded = work.url.appendingPathComponent("folded")
        let output = try BundleFileOutput(directory: folded, user: "alice", sequence: chain[2].header.sequence)
        _ = try BundleConsolidation.consolidate(Array(chain[1...]), schema: OffsiteRecordSchema(), brickVersion: "test", into: output)
        try output.commit()
        let result = try site.importing([chain[0].url.path, folded.appendingPathComponent("alice/0000000003.bundle").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let differences = try site.differences("alice")
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        #expect(try settings(site.replica.appendingPathComponent("alice")).contains { $0.name == "filters" && $0.size == 9 })
    }
}

/// A user's home as Dovecot lays it out: `Maildir/`, `sieve/`, `.dovecot.sieve`.
struct DovecotHome {
    let root: URL

    func writeFile(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func writeScript(_ name: String, _ text: String) throws { try writeFile("sieve/\(name).sieve", text) }

    func activate(_ name: String) throws {
        let link = root.appendingPathComponent(".dovecot.sieve").path
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "sieve/\(name).sieve")
    }

    func remove(_ relative: String) throws { try FileManager.default.removeItem(at: root.appendingPathComponent(relative)) }
}

/// One row of `brick-backup settings --format json`.
struct ListedSetting: Decodable {
    var kind: String
    var folder: String?
    var name: String
    var size: Int
    var changed: String
    var deleted: String?
    var sha256: String
    var value: String

    /// What two stores must agree on.
    var identity: String { "\(kind)|\(folder ?? "")|\(name)|\(sha256)" }
    /// What a listing says, times aside (they print in the local zone), for comparing
    /// one store with itself.
    var listed: String { "\(identity)|\(size)|\(deleted == nil ? "current" : "replaced")|\(value)" }
}

/// The settings of a store: by default as of now (the current ones); `[]` for every version.
func settings(_ userDirectory: URL, _ extra: [String] = ["--as-of", "2999-01-01"]) throws -> [ListedSetting] {
    let result = try Tools.run("brick-backup", ["settings", userDirectory.path, "--format", "json"] + extra)
    guard result.status == 0 else { throw IndexFailed(status: result.status, stderr: result.stderr) }
    return try JSONDecoder().decode([ListedSetting].self, from: Data(result.stdout.utf8))
}
