import BrickCore
import Foundation
import Testing
@testable import BrickStore

/// Settings are versioned like items: a new version only when the content changed, the
/// old one marked replaced, `asOf` sees them as they were, purge removes old versions.
@Suite struct SettingsVersionTests {
    private func snapshot(_ settings: [MailSetting], kinds: [SettingKind] = SettingKind.allCases) -> SettingsSnapshot {
        var snapshot = SettingsSnapshot()
        snapshot.settings = settings
        snapshot.scopes = Set(kinds.map { SettingScope(kind: $0) })
        return snapshot
    }

    private let script = MailSetting(kind: .sieve, name: "filters", content: Array("require \"fileinto\";\n".utf8))
    private let active = MailSetting(kind: .sieve, name: MailSetting.activeScriptName, content: Array("filters".utf8))
    private let acl = MailSetting(kind: .acl, folder: FolderPath(["Shared"]), name: "bob", content: Array("lr".utf8))
    private let subscription = MailSetting(kind: .subscriptions, name: "Gone/Folder", content: [])

    @Test func anUnchangedSettingIsStoredOnce() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let first = try store.recordSettings(snapshot([script, active, acl, subscription]), run: store.beginRun(kind: "backup"))
        #expect(first.added == 4)
        let second = try store.recordSettings(snapshot([script, active, acl, subscription]), run: store.beginRun(kind: "backup"))
        #expect(second == SettingsChange())
        #expect(try store.settingVersions().count == 4)
    }

    @Test func aChangedSettingKeepsItsOldVersionMarkedReplaced() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_800_000_000))
        _ = try store.recordSettings(snapshot([script, acl]), run: run1)
        var changed = acl
        changed.content = Array("lrswi".utf8)
        let run2 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_800_086_400))
        let change = try store.recordSettings(snapshot([changed]), run: run2)
        #expect(change.changed == 1 && change.removed == 1 && change.added == 0)
        #expect(try store.settings().map(\.setting) == [changed])
        let versions = try store.settingVersions()
        #expect(versions.count == 3)
        #expect(versions.filter { $0.replacedRun == run2.id }.map(\.setting).sorted { $0.name < $1.name } == [acl, script])
        let asOfFirst = try store.settings(asOf: run1.date.addingTimeInterval(60)).map(\.setting)
        #expect(Set(asOfFirst) == [script, acl])
        #expect(try store.settings(asOf: Date(timeIntervalSince1970: 1_000)).isEmpty)
    }

    @Test func kindsAndFoldersTheSourceDidNotReadStayAsTheyWere() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        _ = try store.recordSettings(snapshot([script, acl, subscription]), run: store.beginRun(kind: "backup"))
        var partial = snapshot([], kinds: [.subscriptions, .acl])
        partial.unreadable = [SettingScope(kind: .acl, folder: FolderPath(["Shared"]))]
        let change = try store.recordSettings(partial, run: store.beginRun(kind: "backup"))
        #expect(change.removed == 1)
        #expect(Set(try store.settings().map(\.setting)) == [script, acl])
    }

    @Test func purgeRemovesVersionsReplacedBeforeTheCutoffOnly() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_800_000_000))
        _ = try store.recordSettings(snapshot([script]), run: run1)
        var edited = script
        edited.content = Array("keep;\n".utf8)
        let run2 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_800_086_400))
        _ = try store.recordSettings(snapshot([edited]), run: run2)
        let dry = try store.purge(deletedBefore: run2.date, dryRun: true, run: nil)
        #expect(dry.settings == 0)
        let report = try store.purge(deletedBefore: run2.date.addingTimeInterval(1), dryRun: false, run: nil)
        #expect(report.settings == 1)
        #expect(try store.settingVersions().map(\.setting) == [edited])
    }

    @Test func contentIsKeptByteForByte() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let odd = MailSetting(kind: .sieve, name: "broken", content: [0x69, 0x66, 0x20, 0xFF, 0x00, 0x0D, 0x7B])
        _ = try store.recordSettings(snapshot([odd]), run: store.beginRun(kind: "backup"))
        let reopened = try openStore(dir.url, mode: .readOnly)
        #expect(try reopened.settings().first?.setting.content == odd.content)
    }
}
