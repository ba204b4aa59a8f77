import BrickCore
import Foundation
import Glibc
import Testing

@testable import BrickRestore

/// mbox and .eml targets seeded with symlinks, and the checks made before an mbox
/// restore writes anything.
@Suite struct FileTargetLinksTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "brick-links-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/out", withIntermediateDirectories: true)
        try Data("victim text\n".utf8).write(to: URL(fileURLWithPath: root + "/victim.txt"))
        try FileManager.default.createDirectory(atPath: root + "/elsewhere", withIntermediateDirectories: true)
    }

    func item(_ key: String) -> RestoreItem {
        let raw = Array("From: a@example.org\nMessage-ID: <\(key)@x>\n\nbody\n".utf8)
        return RestoreItem(key: ItemKey(key), flags: .none, internalDate: Date(timeIntervalSince1970: 1_738_573_200), messageID: "\(key)@x", raw: raw)
    }

    func victimUntouched() throws -> Bool {
        try String(contentsOfFile: root + "/victim.txt", encoding: .utf8) == "victim text\n"
            && (try FileManager.default.contentsOfDirectory(atPath: root + "/elsewhere")).isEmpty
    }

    @Test func mboxFileThatIsALinkIsRefused() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(symlink(root + "/victim.txt", root + "/out/link.mbox") == 0)
        let target = MboxTarget(location: root + "/out/link.mbox")
        #expect(throws: FileTargetError.self) { try target.checkBeforeWriting(folders: [.inbox]) }
        await #expect(throws: FileTargetError.self) { _ = try await target.append([item("a")], to: .inbox) }
        #expect(try victimUntouched())
    }

    @Test func mboxDirectoryWithLinkedSubdirectoryRefusesThatFolderOnly() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(symlink(root + "/elsewhere", root + "/out/Archive") == 0)
        #expect(symlink(root + "/victim.txt", root + "/out/Sent.mbox") == 0)
        let target = MboxTarget(location: root + "/out/")
        await #expect(throws: FileTargetError.self) { _ = try await target.append([item("a")], to: FolderPath(["Archive", "2025"])) }
        await #expect(throws: FileTargetError.self) { _ = try await target.append([item("b")], to: FolderPath(["Sent"])) }
        let results = try await target.append([item("c")], to: .inbox)
        #expect(results.allSatisfy { $0 == nil })
        try await target.finish()
        #expect(try victimUntouched())
        #expect(FileManager.default.fileExists(atPath: root + "/out/INBOX.mbox"))
    }

    @Test func singleMboxFileRefusesSeveralFoldersBeforeWriting() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let target = MboxTarget(location: root + "/out/all.mbox")
        #expect(throws: FileTargetError.self) { try target.checkBeforeWriting(folders: [.inbox, FolderPath(["Sent"])]) }
        try target.checkBeforeWriting(folders: [.inbox])
        #expect(!FileManager.default.fileExists(atPath: root + "/out/all.mbox"))
    }

    @Test func existingFileThatIsNotAnMboxIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Data("Dear diary\n".utf8).write(to: URL(fileURLWithPath: root + "/out/notes.txt"))
        let target = MboxTarget(location: root + "/out/notes.txt")
        #expect(target.isSingleFile)
        #expect(throws: FileTargetError.notAnMbox(file: root + "/out/notes.txt")) { try target.checkBeforeWriting(folders: [.inbox]) }
        try Data("From a@b Mon Feb  3 09:00:00 2025\n\nx\n".utf8).write(to: URL(fileURLWithPath: root + "/out/ok.mbox"))
        try MboxTarget(location: root + "/out/ok.mbox").checkBeforeWriting(folders: [.inbox])
    }

    @Test func emlFolderDirectoryThatIsALinkIsRefused() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(symlink(root + "/elsewhere", root + "/out/Archive") == 0)
        let target = EMLTarget(directory: root + "/out")
        await #expect(throws: FileTargetError.self) { try await target.prepareFolder(FolderPath(["Archive"]), specialUse: nil) }
        await #expect(throws: FileTargetError.self) { _ = try await target.append([item("a")], to: FolderPath(["Archive", "x"])) }
        let results = try await target.append([item("b")], to: .inbox)
        #expect(results.allSatisfy { $0 == nil })
        try await target.finish()
        #expect(try victimUntouched())
    }

    @Test func emlManifestThatIsALinkIsRefused() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(symlink(root + "/victim.txt", root + "/out/manifest.csv") == 0)
        let target = EMLTarget(directory: root + "/out")
        await #expect(throws: FileTargetError.self) { _ = try await target.append([item("a")], to: .inbox) }
        #expect(try victimUntouched())
    }
}
