import BrickCore
import Foundation
import Testing
@testable import BrickRestore

/// Settings restored into a file target: scripts as `.sieve` files and one JSON
/// document per kind, names never escaping the settings directory, a rerun a no-op.
@Suite struct SettingsFilesTests {
    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("brick-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private let settings = [
        MailSetting(kind: .sieve, name: "filters", content: Array("keep;\n".utf8)),
        MailSetting(kind: .sieve, name: "", content: Array("filters".utf8)),
        MailSetting(kind: .acl, folder: .inbox, name: "bob", content: Array("lr".utf8)),
        MailSetting(kind: .subscriptions, name: "Gone/Folder", content: []),
        MailSetting(kind: .metadata, folder: nil, name: "/private/comment", content: Array("hello".utf8)),
        MailSetting(kind: .metadata, folder: .inbox, name: "/shared/vendor/bin", content: [0xFF, 0x00]),
    ]

    @Test func eachKindLandsInItsDocumentAndASecondRestoreChangesNothing() async throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(at: base) }
        let target = EMLTarget(directory: base.path)
        let first = try await target.writeSettings(settings, overwrite: false)
        #expect(first.written.count == settings.count && first.failures.isEmpty)
        let directory = base.appendingPathComponent("%settings")
        #expect(try Data(contentsOf: directory.appendingPathComponent("sieve/filters.sieve")) == Data("keep;\n".utf8))
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("sieve.json"))) as? [String: Any]
        #expect(index?["active"] as? String == "filters")
        let subscriptions = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("subscriptions.json"))) as? [String]
        #expect(subscriptions == ["Gone/Folder"])
        let metadata = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("metadata.json"))) as? [[String: Any]]
        #expect(metadata?.contains { $0["value_base64"] as? String == "/wA=" } == true)
        let before = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("acl.json").path)[.modificationDate] as? Date
        let second = try await target.writeSettings(settings, overwrite: false)
        #expect(second.written.isEmpty && second.unchanged == settings.count)
        let after = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("acl.json").path)[.modificationDate] as? Date
        #expect(before == after)
    }

    @Test func hostileScriptNamesStayInsideTheSieveDirectory() async throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(at: base) }
        let outside = base.appendingPathComponent("mail")
        let target = MboxTarget(location: outside.path + "/")
        let names = ["../../escape", "a/b", "..", ".", "nul\0byte", "%settings"]
        let scripts = names.map { MailSetting(kind: .sieve, name: $0, content: Array("stop;\n".utf8)) }
        let report = try await target.writeSettings(scripts, overwrite: false)
        #expect(report.failures.isEmpty && report.written.count == names.count)
        let sieve = outside.appendingPathComponent("%settings/sieve")
        let files = try FileManager.default.contentsOfDirectory(atPath: sieve.path)
        #expect(files.count == names.count)
        #expect(files.allSatisfy { !$0.hasPrefix(".") && !$0.contains("/") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: base.path) == ["mail"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == ["%settings"])
    }

    @Test func aSingleMboxFileKeepsItsSettingsBesideIt() async throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(at: base) }
        let target = MboxTarget(location: base.appendingPathComponent("inbox.mbox").path)
        _ = try await target.writeSettings([settings[2]], overwrite: false)
        #expect(FileManager.default.fileExists(atPath: base.appendingPathComponent("inbox.mbox.settings/acl.json").path))
    }
}
