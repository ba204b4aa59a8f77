import BrickCore
import Foundation
import Glibc
import Testing
@testable import BrickMaildir

/// A Maildir target seeded with symlinks: nothing is written through them.
@Suite struct MaildirTargetLinksTests {
    func item(_ id: String) -> RestoreItem {
        RestoreItem(key: ItemKey(id), flags: .none, internalDate: Date(timeIntervalSince1970: 1_700_000_000), messageID: nil,
                    raw: Array(message(id).utf8))
    }

    func entries(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    @Test func symlinkedFolderOrSubdirectoryIsRefusedAndOthersAreWritten() async throws {
        let temp = try TemporaryDirectory()
        let elsewhere = temp.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let root = temp.path + "/Maildir"
        try makeFolder(root + "/.ok")
        try FileManager.default.removeItem(atPath: root + "/.ok/cur")
        #expect(symlink(elsewhere, root + "/.ok/cur") == 0)
        #expect(symlink(elsewhere, root + "/.special") == 0)
        let target = MaildirTarget(root: URL(fileURLWithPath: root))
        await #expect(throws: MaildirError.symbolicLink(path: root + "/.special")) {
            _ = try await target.append([item("a")], to: FolderPath(["special"]))
        }
        await #expect(throws: MaildirError.symbolicLink(path: root + "/.ok/cur")) {
            _ = try await target.append([item("b")], to: FolderPath(["ok"]))
        }
        await #expect(throws: MaildirError.symbolicLink(path: root + "/.special")) {
            try await target.prepareFolder(FolderPath(["special"]), specialUse: nil)
        }
        #expect(try await target.existingMessages(in: FolderPath(["Fine"])).isEmpty)
        let results = try await target.append([item("c")], to: FolderPath(["Fine"]))
        #expect(results.allSatisfy { $0 == nil })
        try await target.finish()
        #expect(entries(elsewhere).isEmpty)
        #expect(entries(root + "/.Fine/cur").count == 1)
    }

    @Test func symlinkedRootIsRefused() async throws {
        let temp = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: temp.path + "/real", withIntermediateDirectories: true)
        #expect(symlink(temp.path + "/real", temp.path + "/Maildir") == 0)
        let target = MaildirTarget(root: temp.url.appendingPathComponent("Maildir"))
        await #expect(throws: MaildirError.self) { _ = try await target.append([item("a")], to: .inbox) }
        #expect(entries(temp.path + "/real").isEmpty)
    }

    @Test func symlinkedKeywordsFileIsReplacedNotWrittenThrough() async throws {
        let temp = try TemporaryDirectory()
        try writeFile(temp.path + "/victim", "keep")
        let root = temp.path + "/Maildir"
        try makeFolder(root)
        #expect(symlink(temp.path + "/victim", root + "/" + DovecotKeywords.fileName) == 0)
        let target = MaildirTarget(root: URL(fileURLWithPath: root))
        var keyworded = item("k")
        keyworded.flags = ItemFlags(system: [], keywords: ["Work"])
        await #expect(throws: MaildirError.symbolicLink(path: root + "/" + DovecotKeywords.fileName)) {
            _ = try await target.append([keyworded], to: .inbox)
        }
        #expect(try String(contentsOfFile: temp.path + "/victim", encoding: .utf8) == "keep")
    }
}
