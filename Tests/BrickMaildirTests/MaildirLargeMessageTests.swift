import BrickCore
import Foundation
import Testing
@testable import BrickMaildir

/// A message above `StreamedItem.threshold` is handed to the store as an open file,
/// read piece by piece, never whole.
@Suite struct MaildirLargeMessageTests {
    /// A Maildir holding one small message and one of 17 MiB.
    func maildirWithLargeMessage() throws -> (TemporaryDirectory, URL, [UInt8]) {
        let directory = try TemporaryDirectory()
        let root = directory.url.appendingPathComponent("Maildir")
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        var large = Array("Subject: large\n\n".utf8)
        large += (0..<(17 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        try Data(large).write(to: root.appendingPathComponent("cur/1700000000.large.host:2,S"))
        try Data("Subject: small\n\nhi\n".utf8).write(to: root.appendingPathComponent("cur/1700000001.small.host:2,S"))
        return (directory, root, large)
    }

    @Test func aLargeMessageIsStreamedAloneInItsBatchWithItsBytes() async throws {
        let (directory, root, large) = try maildirWithLargeMessage()
        let store = FakeStore()
        try await sync(MaildirSource(root: root), inboxFolder, into: store)
        #expect(store.items["1700000000.large.host"]?.raw == large)
        #expect(store.items["1700000001.small.host"]?.raw == Array("Subject: small\n\nhi\n".utf8))
        let carrying = store.batches.filter { !$0.streamed.isEmpty }
        #expect(carrying.count == 1 && carrying.first?.added.isEmpty == true)
        #expect(store.batches.allSatisfy { $0.added.allSatisfy { $0.raw.count < 1 << 20 } })
        withExtendedLifetime(directory) {}
    }

    @Test func aLargeMessageChangedWhileReadFailsTheReadInsteadOfStoringPartBytes() throws {
        let (directory, root, _) = try maildirWithLargeMessage()
        let cur = try #require(try NoFollowDirectory.open(root.appendingPathComponent("cur").path))
        guard case .stream(let stream, _) = try MessageFileReader.read(
            "1700000000.large.host:2,S", in: cur, streamAbove: Int64(StreamedItem.threshold))
        else {
            Issue.record("a large file was not opened as a stream")
            return
        }
        let handle = try FileHandle(forWritingTo: root.appendingPathComponent("cur/1700000000.large.host:2,S"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("more".utf8))
        try handle.close()
        #expect(throws: MaildirError.changedWhileRead(path: cur.child("1700000000.large.host:2,S"))) { try stream.readAll() }
        withExtendedLifetime(directory) {}
    }
}
