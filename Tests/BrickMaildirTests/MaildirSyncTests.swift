import BrickCore
import Foundation
import Glibc
import Testing
@testable import BrickMaildir

@Suite struct MaildirSyncTests {
    /// A source whose tokens are trusted at once (no two-second settling).
    func eagerSource(_ root: String, byteLimit: Int = 8 << 20, countLimit: Int = 1000) -> MaildirSource {
        var source = MaildirSource(
            root: URL(fileURLWithPath: root), layout: .maildirPlusPlus, batchByteLimit: byteLimit, batchCountLimit: countLimit)
        source.settleNanoseconds = 0
        return source
    }

    @Test func fixtureInboxIsReadWithFlagsKeywordsUIDsAndDates() async throws {
        let copy = try fixtureCopy()
        let source = MaildirSource(root: copy.url.appendingPathComponent("maildir/alice/Maildir"))
        let store = FakeStore()
        try await sync(source, inboxFolder, into: store)
        let items = store.items
        #expect(items.count == 16)
        let keywords = try #require(items["1700000300.M4P1.fixture"])
        #expect(keywords.flags == ItemFlags(system: [.seen], keywords: ["$Label1", "Important"]))
        #expect(keywords.internalDate == Date(timeIntervalSince1970: 1_700_000_300))
        #expect(items["1700001300.M14P1.fixture"]?.flags == ItemFlags(system: [.seen, .forwarded], keywords: ["$NotJunk"]))
        #expect(items["1700001400.M15P1.fixture"]?.flags == ItemFlags.none)
        #expect(items["1700000000.M1P1.fixture,S=262"]?.uid == 1)
        #expect(items["1700001500.M16P1.fixture"]?.uid == 16)
        let crlf = try #require(items["1700000100.M2P1.fixture"])
        #expect(crlf.raw.contains(13))
        #expect(crlf.flags.system == [.answered, .seen])
        let onDisk = try Data(contentsOf: copy.url.appendingPathComponent("maildir/alice/Maildir/cur/1700000400.M5P1.fixture:2,"))
        #expect(items["1700000400.M5P1.fixture"]?.raw == Array(onDisk))
    }

    @Test func largeFixtureMessageTravelsAloneInItsBatch() async throws {
        let source = MaildirSource(root: fixturesRoot.appendingPathComponent("bob/Maildir"), batchByteLimit: 1 << 20)
        let store = FakeStore()
        try await sync(source, inboxFolder, into: store)
        let large = try #require(store.batches.first { $0.byteCount > 1 << 20 })
        #expect(large.added.count == 1)
        #expect(large.byteCount == 2_988_988)
        #expect(store.items.count == 5)
    }

    @Test func secondRunReportsNewFlagRenameAndDeletion() async throws {
        let temp = try TemporaryDirectory()
        let root = temp.path
        try makeFolder(root)
        try writeFile(root + "/cur/100.a.host:2,S", message("a"))
        try writeFile(root + "/cur/101.b.host:2,", message("b"))
        try writeFile(root + "/new/102.c.host", message("c"))
        let source = eagerSource(root)
        let store = FakeStore()
        try await sync(source, inboxFolder, into: store)
        #expect(store.items.count == 3)
        try await tick()

        try move(root + "/cur/101.b.host:2,", root + "/cur/101.b.host:2,FS")
        try move(root + "/new/102.c.host", root + "/cur/102.c.host:2,S")
        try FileManager.default.removeItem(atPath: root + "/cur/100.a.host:2,S")
        try writeFile(root + "/new/103.d.host", message("d"))
        store.clearBatches()
        try await sync(source, inboxFolder, into: store)

        let batch = try #require(store.batches.count == 1 ? store.batches[0] : nil)
        #expect(batch.added.map(\.key) == ["103.d.host"])
        #expect(Set(batch.flagChanges) == [
            FlagChange(key: "101.b.host", flags: ItemFlags(system: [.flagged, .seen])),
            FlagChange(key: "102.c.host", flags: ItemFlags(system: [.seen])),
        ])
        #expect(batch.vanished == ["100.a.host"])
        #expect(batch.token != nil)
        #expect(store.present.count == 3)
    }

    @Test func unchangedFolderIsSkippedWithoutLoadingPresentItems() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path)
        try writeFile(temp.path + "/cur/100.a.host:2,S", message("a"))
        try await tick()
        let source = eagerSource(temp.path)
        let store = FakeStore()
        try await sync(source, inboxFolder, into: store)
        #expect(store.loads == 1)
        #expect(ScanToken(parsing: try #require(store.token))?.settled == true)
        store.clearBatches()
        try await sync(source, inboxFolder, into: store)
        #expect(store.loads == 1)
        #expect(store.batches.isEmpty)
    }

    @Test func tokenFromRecentDirectoryTimesIsNotTrusted() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path)
        try writeFile(temp.path + "/cur/100.a.host:2,S", message("a"))
        let source = MaildirSource(root: temp.url)
        let store = FakeStore()
        try await sync(source, inboxFolder, into: store)
        #expect(ScanToken(parsing: try #require(store.token))?.settled == false)
        try await sync(source, inboxFolder, into: store)
        #expect(store.loads == 2)
    }

    @Test func tokenRoundTripsThroughItsTextForm() throws {
        let token = ScanToken(
            cur: DirectoryStamp(modified: 1_700_000_000_123_456_789, changed: 1_700_000_001_000_000_000, inode: 42),
            new: nil, count: 7, scanStart: 1_800_000_000_000_000_000, settleNanoseconds: 2_000_000_000)
        #expect(token.text == "maildir-v1 cur=1700000000123456789:1700000001000000000:42 new=- n=7 settled=1")
        #expect(ScanToken(parsing: token.text) == token)
        #expect(ScanToken(parsing: "garbage") == nil)
    }

    @Test func fileRenamedBetweenListingAndReadingIsFoundAgain() async throws {
        let temp = try TemporaryDirectory()
        let root = temp.path
        try makeFolder(root)
        try writeFile(root + "/new/200.moved.host", message("moved"))
        try writeFile(root + "/cur/201.renamed.host:2,", message("renamed"))
        let store = FakeStore()
        store.onLoad = {
            try move(root + "/new/200.moved.host", root + "/cur/200.moved.host:2,S")
            try move(root + "/cur/201.renamed.host:2,", root + "/cur/201.renamed.host:2,RS")
        }
        try await sync(eagerSource(root), inboxFolder, into: store)
        #expect(store.items["200.moved.host"]?.flags == ItemFlags(system: [.seen]))
        #expect(store.items["201.renamed.host"]?.flags == ItemFlags(system: [.answered, .seen]))
        #expect(store.items["200.moved.host"]?.raw == Array(message("moved").utf8))
    }

    @Test func fileDeletedBetweenListingAndReadingIsSkippedAndTokenWithheld() async throws {
        let temp = try TemporaryDirectory()
        let root = temp.path
        try makeFolder(root)
        try writeFile(root + "/cur/300.kept.host:2,S", message("kept"))
        try writeFile(root + "/cur/301.gone.host:2,S", message("gone"))
        let store = FakeStore()
        store.onLoad = { try FileManager.default.removeItem(atPath: root + "/cur/301.gone.host:2,S") }
        try await sync(eagerSource(root), inboxFolder, into: store)
        #expect(store.items.keys.sorted() == ["300.kept.host"])
        #expect(store.batches.allSatisfy { $0.token == nil })
        #expect(store.token == nil)
    }

    @Test func entryThatIsNotARegularFileIsSkippedAndTokenWithheld() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path)
        try writeFile(temp.path + "/cur/400.ok.host:2,S", message("ok"))
        #expect(mkfifo(temp.path + "/cur/401.fifo.host:2,S", 0o600) == 0)
        let store = FakeStore()
        try await sync(eagerSource(temp.path), inboxFolder, into: store)
        #expect(store.items.keys.sorted() == ["400.ok.host"])
        #expect(store.token == nil)
    }

    @Test func batchesAreBoundedByBytesAndCountAndOnlyTheLastCarriesTheToken() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path)
        for index in 0..<9 {
            try writeFile(temp.path + "/cur/5\(index).m.host:2,S", message("m\(index)", body: String(repeating: "x", count: 60)))
        }
        try writeFile(temp.path + "/cur/59.big.host:2,S", message("big", body: String(repeating: "y", count: 2000)))
        let size = message("m0", body: String(repeating: "x", count: 60)).utf8.count
        let store = FakeStore()
        try await sync(eagerSource(temp.path, byteLimit: size * 3, countLimit: 2), inboxFolder, into: store)
        let batches = store.batches
        #expect(store.items.count == 10)
        #expect(batches.count == 6)
        for batch in batches {
            #expect(batch.added.count <= 2)
            #expect(batch.byteCount <= size * 3 || batch.added.count == 1)
        }
        #expect(batches.dropLast().allSatisfy { $0.token == nil })
        #expect(batches.last?.token != nil)
    }

    @Test func flagChangesAndVanishedComeBeforeNewItems() async throws {
        let temp = try TemporaryDirectory()
        let root = temp.path
        try makeFolder(root)
        for index in 0..<3 { try writeFile(root + "/cur/6\(index).old.host:2,", message("o\(index)")) }
        let source = eagerSource(root, countLimit: 2)
        let store = FakeStore()
        try await sync(source, inboxFolder, into: store)
        try await tick()
        try move(root + "/cur/60.old.host:2,", root + "/cur/60.old.host:2,S")
        try FileManager.default.removeItem(atPath: root + "/cur/61.old.host:2,")
        for index in 0..<3 { try writeFile(root + "/new/7\(index).new.host", message("n\(index)")) }
        store.clearBatches()
        try await sync(source, inboxFolder, into: store)
        let batches = store.batches
        #expect(batches.map(\.vanished.count) == [1, 0, 0])
        #expect(batches.map(\.flagChanges.count) == [1, 0, 0])
        #expect(batches.map(\.added.count) == [0, 2, 1])
    }

    @Test func missingFolderDirectoryIsAnErrorNotAMassDeletion() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path)
        let folder = SourceFolder(path: FolderPath(["Gone"]), upstreamName: ".Gone")
        await #expect(throws: MaildirError.self) { try await sync(eagerSource(temp.path), folder, into: FakeStore()) }
    }
}
