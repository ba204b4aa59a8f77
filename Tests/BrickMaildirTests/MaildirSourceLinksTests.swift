import BrickCore
import Foundation
import Glibc
import Testing
@testable import BrickMaildir

/// Symlinks, FIFOs, huge files and unreadable folders in a source Maildir.
@Suite struct MaildirSourceLinksTests {
    func folder(_ folders: [SourceFolder], _ path: String) throws -> SourceFolder {
        try #require(folders.first { $0.path.description == path })
    }

    @Test func symlinkedMessageIsSkippedAndReportedNeverRead() async throws {
        let temp = try TemporaryDirectory()
        try writeFile(temp.path + "/secret", "From: root\r\n\r\nshadow\r\n")
        try makeFolder(temp.path + "/Maildir")
        try writeFile(temp.path + "/Maildir/cur/1.a.host:2,S", message("a"))
        #expect(symlink(temp.path + "/secret", temp.path + "/Maildir/cur/2.b.host:2,S") == 0)
        let source = MaildirSource(root: temp.url.appendingPathComponent("Maildir"))
        let store = FakeStore()
        try await sync(source, inboxFolder, into: store)
        #expect(store.items.keys.map(\.rawValue) == ["1.a.host"])
        #expect(source.takeSkippedEntries() == [SkippedEntry(folder: .inbox, name: "cur/2.b.host:2,S", reason: .symbolicLink)])
        #expect(store.token == nil, "a folder with a skipped entry keeps no token, so the skip is reported again")
    }

    @Test func symlinkedFolderIsNotListedButReported() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path + "/other/.Private")
        try writeFile(temp.path + "/other/.Private/cur/1.x.host:2,", message("x"))
        try makeFolder(temp.path + "/Maildir/.Sent")
        #expect(symlink(temp.path + "/other/.Private", temp.path + "/Maildir/.evil") == 0)
        let source = MaildirSource(root: temp.url.appendingPathComponent("Maildir"))
        let folders = try await source.listFolders()
        #expect(folders.map(\.path.description) == ["INBOX", "Sent"])
        #expect(source.takeSkippedEntries() == [SkippedEntry(folder: nil, name: ".evil", reason: .symbolicLink)])
    }

    @Test func fsLayoutLoopsThroughLinksEndAtOnce() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path + "/Maildir/Work")
        #expect(symlink("..", temp.path + "/Maildir/Work/loop") == 0)
        #expect(symlink(".", temp.path + "/Maildir/Work/self") == 0)
        #expect(symlink(".", temp.path + "/Maildir/here") == 0)
        let source = MaildirSource(root: temp.url.appendingPathComponent("Maildir"), layout: .fs)
        let folders = try await source.listFolders()
        #expect(folders.map(\.path.description) == ["INBOX", "Work"])
        #expect(Set(source.takeSkippedEntries().map(\.name)) == ["Work/loop", "Work/self", "here"])
    }

    @Test func fifoAmongMessagesIsSkippedWithoutBlocking() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path)
        #expect(mkfifo(temp.path + "/cur/1.fifo.host:2,", 0o600) == 0)
        try writeFile(temp.path + "/cur/2.ok.host:2,", message("ok"))
        let source = MaildirSource(root: temp.url)
        let store = FakeStore()
        try await sync(source, inboxFolder, into: store)
        #expect(store.items.keys.map(\.rawValue) == ["2.ok.host"])
        #expect(source.takeSkippedEntries().map(\.reason) == [.notRegularFile(kind: "FIFO")])
    }

    @Test func sparseTerabyteFileIsSkippedAsTooLargeWithoutReadingIt() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path)
        let fd = open(temp.path + "/cur/1.huge.host:2,S", O_WRONLY | O_CREAT, 0o600)
        #expect(ftruncate(fd, 1 << 40) == 0)
        close(fd)
        try writeFile(temp.path + "/cur/2.ok.host:2,", message("ok"))
        let source = MaildirSource(root: temp.url)
        let store = FakeStore()
        try await sync(source, inboxFolder, into: store)
        #expect(store.items.keys.map(\.rawValue) == ["2.ok.host"])
        #expect(source.takeSkippedEntries().map(\.reason) == [.tooLarge(bytes: 1 << 40, limit: 2 << 30)])
    }

    @Test func maximumMessageSizeIsConfigurable() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path)
        try writeFile(temp.path + "/cur/1.big.host:2,", message("big", body: String(repeating: "x", count: 5000)))
        try writeFile(temp.path + "/cur/2.small.host:2,", message("small"))
        let source = MaildirSource(root: temp.url, maximumMessageSize: 4096)
        let store = FakeStore()
        try await sync(source, inboxFolder, into: store)
        #expect(store.items.keys.map(\.rawValue) == ["2.small.host"])
        #expect(source.takeSkippedEntries().map(\.name) == ["cur/1.big.host:2,"])
    }

    @Test func symlinkedRootIsRefused() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path + "/real")
        #expect(symlink(temp.path + "/real", temp.path + "/Maildir") == 0)
        await #expect(throws: MaildirError.self) { try await MaildirSource(root: temp.url.appendingPathComponent("Maildir")).listFolders() }
    }

    @Test func unreadableFolderStaysListedAndItsSyncFails() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path + "/.Work")
        try writeFile(temp.path + "/.Work/cur/1.a.host:2,", message("a"))
        let source = MaildirSource(root: temp.url)
        try await NoFollowDirectory.$injectedFailures.withValue(["/.Work/cur": EACCES]) {
            let folders = try await source.listFolders()
            let work = try folder(folders, "Work")
            #expect(work.selectable)
            await #expect(throws: MaildirError.self) { try await sync(source, work, into: FakeStore()) }
        }
        let listed = try await NoFollowDirectory.$injectedFailures.withValue(["/.Work": EIO]) {
            try await source.listFolders().map(\.path.description)
        }
        #expect(listed == ["INBOX", "Work"])
    }
}
