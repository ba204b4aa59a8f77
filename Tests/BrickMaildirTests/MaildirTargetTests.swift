import BrickCore
import Foundation
import Glibc
import BrickMessage
import Testing
@testable import BrickMaildir

@Suite struct MaildirTargetTests {
    /// Every folder of a Maildir read into a fake store per folder path.
    func readAll(_ root: URL) async throws -> [FolderPath: [ItemKey: StoredItem]] {
        let source = MaildirSource(root: root)
        var result: [FolderPath: [ItemKey: StoredItem]] = [:]
        for folder in try await source.listFolders() where folder.selectable {
            let store = FakeStore()
            try await sync(source, folder, into: store)
            result[folder.path] = store.items
        }
        return result
    }

    @Test(arguments: ["alice", "bob"])
    func restoredFixturesReadBackWithSameBytesFlagsDatesAndFolders(user: String) async throws {
        let copy = try fixtureCopy()
        let original = try await readAll(copy.url.appendingPathComponent("maildir/\(user)/Maildir"))
        let targetRoot = copy.url.appendingPathComponent("restored/Maildir")
        let target = MaildirTarget(root: targetRoot)
        for (path, items) in original {
            try await target.prepareFolder(path, specialUse: nil)
            let restore = items.map { key, item in
                RestoreItem(key: key, flags: item.flags, internalDate: item.internalDate, messageID: nil, raw: item.raw)
            }
            let results = try await target.append(restore, to: path)
            #expect(results.allSatisfy { $0 == nil })
            let prints = try await target.existingFingerprints(in: path)
            #expect(prints == Set(restore.map(MaildirTarget.fingerprint(of:))), "folder \(path)")
        }
        try await target.finish()

        let restored = try await readAll(targetRoot)
        #expect(Set(restored.keys) == Set(original.keys))
        for (path, items) in original {
            let expected = items.values.map { Snapshot($0) }.sorted()
            let actual = (restored[path] ?? [:]).values.map { Snapshot($0) }.sorted()
            #expect(actual == expected, "folder \(path)")
        }
        let expectedNames = try FileManager.default.contentsOfDirectory(
            atPath: copy.url.appendingPathComponent("maildir/\(user)/Maildir").path
        ).filter { $0.hasPrefix(".") }
        let names = try FileManager.default.contentsOfDirectory(atPath: targetRoot.path).filter { $0.hasPrefix(".") }
        #expect(Set(names) == Set(expectedNames))
    }

    @Test func filesAndDirectoriesArePrivate() async throws {
        let temp = try TemporaryDirectory()
        let target = MaildirTarget(root: temp.url.appendingPathComponent("Maildir"))
        let item = RestoreItem(key: "k", flags: ItemFlags(system: [.seen]), internalDate: Date(timeIntervalSince1970: 1_600_000_000),
                               messageID: nil, raw: Array(message("k").utf8))
        _ = try await target.append([item], to: FolderPath(["Work"]))
        try await target.finish()
        let folder = temp.path + "/Maildir/.Work"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: folder + "/cur").first)
        #expect(file.hasSuffix(":2,S"))
        #expect(file.hasPrefix("1600000000."))
        #expect(try POSIX.status(folder)!.st_mode & 0o777 == 0o700)
        #expect(try POSIX.status(folder + "/tmp")!.st_mode & 0o777 == 0o700)
        #expect(try POSIX.status(folder + "/cur/" + file)!.st_mode & 0o777 == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/tmp").isEmpty)
    }

    @Test func namesWithDotsSlashesAndNonASCIIRoundTrip() async throws {
        let temp = try TemporaryDirectory()
        let root = temp.url.appendingPathComponent("Maildir")
        let target = MaildirTarget(root: root)
        let paths = [FolderPath(["Releases", "v1.2"]), FolderPath(["a/b"]), FolderPath(["日本語", "Отчёты"]), FolderPath.inbox]
        for path in paths { try await target.prepareFolder(path, specialUse: nil) }
        let listed = try await MaildirSource(root: root).listFolders().filter(\.selectable).map(\.path)
        #expect(Set(listed) == Set(paths))
        #expect(try MaildirTarget.directoryName(for: FolderPath(["Releases", "v1.2"])) == ".Releases.v1\\2e2")
        #expect(throws: MaildirError.self) { try MaildirTarget.directoryName(for: FolderPath([])) }
        #expect(throws: MaildirError.self) { try MaildirTarget.directoryName(for: FolderPath(["a", ""])) }
    }

    @Test func fingerprintsUseMessageIDOrSHA256AndMtimeSeconds() async throws {
        let copy = try fixtureCopy()
        let target = MaildirTarget(root: copy.url.appendingPathComponent("maildir/alice/Maildir"))
        let prints = try await target.existingFingerprints(in: .inbox)
        #expect(prints.count == 16)
        #expect(prints.contains(MessageFingerprint(identity: "plain-lf@fixture.example.org", internalDate: 1_700_000_000)))
        let noID = try Data(contentsOf: copy.url.appendingPathComponent("maildir/alice/Maildir/cur/1700000800.M9P1.fixture:2,S"))
        #expect(prints.contains(MessageFingerprint(identity: MessageFingerprint.digestIdentity(Array(noID)), internalDate: 1_700_000_800)))
        #expect(try await target.existingFingerprints(in: FolderPath(["Nonexistent"])).isEmpty)
    }

    @Test func restoredItemsShowUpInFingerprints() async throws {
        let temp = try TemporaryDirectory()
        let target = MaildirTarget(root: temp.url)
        let date = Date(timeIntervalSince1970: 1_650_000_000.75)
        let items = [
            RestoreItem(key: "1", flags: .none, internalDate: date, messageID: "<x@test>", raw: Array(message("x").utf8)),
            RestoreItem(key: "2", flags: .none, internalDate: date, messageID: nil, raw: Array("Subject: no id\n\nhi\n".utf8)),
        ]
        _ = try await target.append(items, to: .inbox)
        let prints = try await target.existingFingerprints(in: .inbox)
        #expect(prints == Set(items.map(MaildirTarget.fingerprint(of:))))
        #expect(prints == [
            MessageFingerprint(identity: "x@test", internalDate: 1_650_000_000),
            MessageFingerprint(identity: MessageFingerprint.digestIdentity(items[1].raw), internalDate: 1_650_000_000),
        ])
    }

    @Test func keywordsAreWrittenThroughDovecotKeywords() async throws {
        let temp = try TemporaryDirectory()
        let target = MaildirTarget(root: temp.url)
        let flags = ItemFlags(system: [.seen], keywords: ["$Label1", "Work"])
        let item = RestoreItem(key: "k", flags: flags, internalDate: Date(), messageID: nil, raw: Array(message("k").utf8))
        _ = try await target.append([item], to: .inbox)
        let text = try String(contentsOfFile: temp.path + "/dovecot-keywords", encoding: .utf8)
        #expect(text == "0 $Label1\n1 Work\n")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: temp.path + "/cur").first)
        #expect(name.hasSuffix(":2,Sab"))
    }
}

/// What a round trip must keep of an item.
struct Snapshot: Comparable {
    var raw: [UInt8]
    var flags: String
    var microseconds: Int64

    init(_ item: StoredItem) {
        raw = item.raw
        flags = item.flags.description
        microseconds = Int64((item.internalDate.timeIntervalSince1970 * 1e6).rounded())
    }

    static func < (lhs: Snapshot, rhs: Snapshot) -> Bool {
        (lhs.microseconds, lhs.flags, lhs.raw.count) < (rhs.microseconds, rhs.flags, rhs.raw.count)
    }
}
