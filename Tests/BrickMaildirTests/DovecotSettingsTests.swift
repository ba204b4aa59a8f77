import BrickCore
import Foundation
import Testing
@testable import BrickMaildir

/// Dovecot's settings files beside a Maildir: scripts and the active link, the
/// subscriptions file, `dovecot-acl`; read by the source, written by the target.
@Suite struct DovecotSettingsTests {
    /// A user's home: `Maildir/` with INBOX and `.Shared`, `sieve/` with two scripts,
    /// `vacation` active, subscriptions including a folder that does not exist, and
    /// ACLs on INBOX and Shared for bob.
    private func home() throws -> (TemporaryDirectory, URL) {
        let directory = try TemporaryDirectory()
        let fm = FileManager.default
        let maildir = directory.url.appendingPathComponent("Maildir")
        for folder in ["", ".Shared"] {
            for sub in ["cur", "new", "tmp"] {
                try fm.createDirectory(at: maildir.appendingPathComponent(folder).appendingPathComponent(sub), withIntermediateDirectories: true)
            }
        }
        let sieve = directory.url.appendingPathComponent("sieve")
        try fm.createDirectory(at: sieve, withIntermediateDirectories: true)
        try Data("require \"fileinto\";\nfileinto \"Shared\";\n".utf8).write(to: sieve.appendingPathComponent("filters.sieve"))
        try Data("require \"vacation\";\nvacation \"away\";\n".utf8).write(to: sieve.appendingPathComponent("vacation.sieve"))
        try fm.createSymbolicLink(atPath: directory.url.appendingPathComponent(".dovecot.sieve").path, withDestinationPath: "sieve/vacation.sieve")
        try Data(DovecotSubscriptions.encode([.inbox, FolderPath(["Shared"]), FolderPath(["Gone", "Tab\there"])]))
            .write(to: maildir.appendingPathComponent("subscriptions"))
        try Data("user=bob lr\nanyone l\n".utf8).write(to: maildir.appendingPathComponent("dovecot-acl"))
        try Data("user=bob lrswi\ngroup=staff lr\n".utf8).write(to: maildir.appendingPathComponent(".Shared/dovecot-acl"))
        return (directory, maildir)
    }

    @Test func theSubscriptionsFileOfVersion2RoundTripsWithTabsAndEscapes() {
        let paths = [FolderPath.inbox, FolderPath(["A", "B"]), FolderPath(["Tab\tand\u{01}"])]
        let bytes = DovecotSubscriptions.encode(paths)
        #expect(Array(String(decoding: bytes, as: UTF8.self).prefix(5)) == Array("V\t2\n\n"))
        #expect(DovecotSubscriptions.parse(bytes) == paths)
        #expect(DovecotSubscriptions.parse(Array("INBOX\nA.B\n".utf8)) == [.inbox, FolderPath(["A", "B"])])
    }

    @Test func aclIdentifiersReadAsIMAPNamesAndWriteBack() {
        let entries = DovecotACLFile.parse(Array("# comment\nuser=bob lr\n-user=eve w\ngroup=staff lrs\nowner lrswipkxtea\n".utf8))
        #expect(entries.map(\.identifier) == ["bob", "-eve", "$staff", "owner"])
        #expect(String(decoding: DovecotACLFile.encode(entries), as: UTF8.self)
            == "user=bob lr\n-user=eve w\ngroup=staff lrs\nowner lrswipkxtea\n")
    }

    @Test func theSourceReadsScriptsTheActiveOneSubscriptionsAndACLs() async throws {
        let (directory, maildir) = try home()
        let snapshot = try await MaildirSource(root: maildir).readSettings()
        let settings = Set(snapshot.settings)
        #expect(settings.contains(MailSetting(kind: .sieve, name: "vacation", content: Array("require \"vacation\";\nvacation \"away\";\n".utf8))))
        #expect(settings.contains(MailSetting(kind: .sieve, name: "", content: Array("vacation".utf8))))
        #expect(settings.contains(MailSetting(kind: .subscriptions, name: "Gone/Tab\there", content: [])))
        #expect(settings.contains(MailSetting(kind: .acl, folder: .inbox, name: "anyone", content: Array("l".utf8))))
        #expect(settings.contains(MailSetting(kind: .acl, folder: FolderPath(["Shared"]), name: "$staff", content: Array("lr".utf8))))
        let scriptsActiveSubscriptionsACLs = 2 + 1 + 3 + 4
        #expect(snapshot.settings.count == scriptsActiveSubscriptionsACLs)
        #expect(snapshot.covers(kind: .sieve, folder: nil) && snapshot.covers(kind: .acl, folder: FolderPath(["Shared"])))
        _ = directory
    }

    @Test func settingsWrittenIntoAnEmptyMaildirReadBackTheSameAndASecondWriteChangesNothing() async throws {
        let (directory, maildir) = try home()
        let original = try await MaildirSource(root: maildir).readSettings().settings
        let restored = try TemporaryDirectory()
        let targetRoot = restored.url.appendingPathComponent("Maildir")
        let target = MaildirTarget(root: targetRoot)
        let first = try await target.writeSettings(original, overwrite: false)
        #expect(first.failures.isEmpty, "\(first.failures)")
        let readBack = try await MaildirSource(root: targetRoot).readSettings().settings
        #expect(Set(readBack) == Set(original))
        let second = try await target.writeSettings(original, overwrite: false)
        #expect(second.written.isEmpty && second.failures.isEmpty)
        #expect(second.unchanged == original.count)
        _ = directory
    }

    @Test func aScriptOfTheSameNameWithOtherContentIsKeptAndTheBackupGoesUnderASuffixedName() async throws {
        let restored = try TemporaryDirectory()
        let target = MaildirTarget(root: restored.url.appendingPathComponent("Maildir"))
        let sieve = restored.url.appendingPathComponent("sieve")
        try FileManager.default.createDirectory(at: sieve, withIntermediateDirectories: true)
        try Data("keep;\n".utf8).write(to: sieve.appendingPathComponent("filters.sieve"))
        let script = MailSetting(kind: .sieve, name: "filters", content: Array("discard;\n".utf8))
        let active = MailSetting(kind: .sieve, name: "", content: Array("filters".utf8))
        let report = try await target.writeSettings([script, active], overwrite: false)
        #expect(report.renamed.map(\.written) == ["filters-restored"])
        #expect(try Data(contentsOf: sieve.appendingPathComponent("filters.sieve")) == Data("keep;\n".utf8))
        #expect(try Data(contentsOf: sieve.appendingPathComponent("filters-restored.sieve")) == Data("discard;\n".utf8))
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: restored.url.appendingPathComponent(".dovecot.sieve").path)
        #expect(link == "sieve/filters-restored.sieve")
        let again = try await target.writeSettings([script, active], overwrite: false)
        #expect(again.written.isEmpty)
        let replaced = try await target.writeSettings([script], overwrite: true)
        #expect(replaced.written.map(\.name) == ["filters"])
        #expect(try Data(contentsOf: sieve.appendingPathComponent("filters.sieve")) == Data("discard;\n".utf8))
    }

    @Test func hostileScriptNamesAreRefusedByNameAndNothingLandsOutsideTheSieveDirectory() async throws {
        let restored = try TemporaryDirectory()
        let target = MaildirTarget(root: restored.url.appendingPathComponent("Maildir"))
        let names = ["../escape", "a/b", "nul\0byte", ".hidden"]
        let scripts = names.map { MailSetting(kind: .sieve, name: $0, content: Array("stop;\n".utf8)) }
        let report = try await target.writeSettings(scripts, overwrite: true)
        #expect(report.failures.count == names.count)
        #expect(report.failures.allSatisfy { $0.hasPrefix("Sieve script") })
        #expect(!FileManager.default.fileExists(atPath: restored.url.appendingPathComponent("escape.sieve").path))
        let sieve = restored.url.appendingPathComponent("sieve").path
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: sieve)) ?? []).isEmpty)
    }

    @Test func aLinkWhereTheSieveDirectoryShouldBeIsNotFollowed() async throws {
        let (directory, maildir) = try home()
        let elsewhere = try TemporaryDirectory()
        try Data("secret;\n".utf8).write(to: elsewhere.url.appendingPathComponent("secret.sieve"))
        let linked = directory.url.appendingPathComponent("linked")
        try FileManager.default.createSymbolicLink(atPath: linked.path, withDestinationPath: elsewhere.path)
        var source = MaildirSource(root: maildir)
        source.sieveLocation = SieveLocation(directory: linked.path)
        let snapshot = try await source.readSettings()
        #expect(!snapshot.settings.contains { $0.kind == .sieve })
        #expect(!snapshot.covers(kind: .sieve, folder: nil))
        #expect(!snapshot.notes.isEmpty)
    }
}
