import BrickCore
import BrickMaildir
import BrickMessage
import BrickRestore
import BrickStore
import Foundation
import Testing

/// 2025-02-03T09:00:00Z.
private let received: TimeInterval = 1_738_573_200

/// Two different messages with one Message-ID and one internal date (a resend, a
/// forged or careless Message-ID), and a third, an exact copy of the first.
private func twins() -> [SourceItem] {
    [
        sourceItem("1", "Message-ID: <same@x>\r\nSubject: first\r\n\r\nfirst body\r\n", at: received),
        sourceItem("2", "Message-ID: <same@x>\r\nSubject: second\r\n\r\nsecond body\r\n", at: received),
    ]
}

/// A fresh target of each kind, in a directory removed after the test.
enum TargetKind: String, CaseIterable, CustomStringConvertible {
    case memory, maildir, mbox, eml
    var description: String { rawValue }

    func make(in directory: String) -> any RestoreTarget {
        switch self {
        case .memory: MemoryTarget()
        case .maildir: MaildirTarget(root: URL(fileURLWithPath: directory + "/Maildir"))
        case .mbox: MboxTarget(location: directory + "/mbox/")
        case .eml: EMLTarget(directory: directory + "/eml")
        }
    }
}

private func scratchDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "brick-fingerprint-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite("Restore tells different messages apart by content")
struct RestoreFingerprintTests {
    @Test("two messages with the same Message-ID and date are both restored, and a rerun adds nothing", arguments: TargetKind.allCases)
    func twinsAreBothRestored(kind: TargetKind) async throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scratch = try ScratchStore()
        try scratch.add(twins())
        let target = kind.make(in: directory)
        let reopen: () -> any RestoreTarget = kind == .memory ? { target } : { kind.make(in: directory) }
        let first = try await scratch.restore(into: target, overwrite: false)
        #expect(first.restored == 2 && first.skippedDuplicates == 0 && first.failures.isEmpty)

        let second = try await scratch.restore(into: reopen(), overwrite: false)
        #expect(second.restored == 0 && second.skippedDuplicates == 2 && second.failures.isEmpty)
        let listed = try await reopen().existingMessages(in: .inbox)
        #expect(listed.values.reduce(0) { $0 + $1.count } == 2)
    }

    @Test("overwrite replaces only the copy with the same content, not its twin", arguments: TargetKind.allCases)
    func overwriteKeepsTheTwin(kind: TargetKind) async throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scratch = try ScratchStore()
        try scratch.add([twins()[0]])
        let target = kind.make(in: directory)
        let reopen: () -> any RestoreTarget = kind == .memory ? { target } : { kind.make(in: directory) }
        try await target.prepareFolder(.inbox, specialUse: nil)
        _ = try await target.append(
            [RestoreItem(key: "stranger", flags: .none, internalDate: Date(timeIntervalSince1970: received), messageID: "same@x",
                         raw: twins()[1].raw)], to: .inbox)
        try await target.finish()
        let report = try await scratch.restore(into: reopen(), overwrite: true)
        #expect(report.restored == 1 && report.replaced == 0 && report.failures.isEmpty)
        let again = try await scratch.restore(into: reopen(), overwrite: true)
        #expect(again.restored == 1 && again.replaced == 1 && again.failures.isEmpty)
        let listed = try await reopen().existingMessages(in: .inbox)
        #expect(listed.values.reduce(0) { $0 + $1.count } == 2)
    }

    @Test("the content digest ignores line-end style and trailing line breaks, not content")
    func contentDigest() {
        let crlf = MessageFingerprint.contentDigest(Array("Subject: a\r\n\r\nb\r\n".utf8))
        #expect(MessageFingerprint.contentDigest(Array("Subject: a\n\nb\n".utf8)) == crlf)
        #expect(MessageFingerprint.contentDigest(Array("Subject: a\n\nb".utf8)) == crlf)
        #expect(MessageFingerprint.contentDigest(Array("Subject: a\n\nc\n".utf8)) != crlf)
    }
}

@Suite("Restore goes on after a folder the target refuses")
struct RestoreRefusedFolderTests {
    @Test("the refused folder is reported with its items, the later folders are restored")
    func refusedFolderIsReported() async throws {
        let scratch = try ScratchStore()
        try scratch.add([sourceItem("a1", "Subject: a1\r\n\r\nx\r\n", at: received)], to: FolderPath(["A"]))
        try scratch.add([sourceItem("b1", "Subject: b1\r\n\r\nx\r\n", at: received), sourceItem("b2", "Subject: b2\r\n\r\ny\r\n", at: received)],
                        to: FolderPath(["B"]))
        try scratch.add([sourceItem("c1", "Subject: c1\r\n\r\nx\r\n", at: received)], to: FolderPath(["C"]))
        let target = MemoryTarget()
        await target.refuseFolders([FolderPath(["B"])])
        let report = try await scratch.restore(into: target, overwrite: false)
        #expect(report.restored == 2 && report.foldersFailed == 1 && report.itemsNotTried == 2)
        #expect(report.failures.count == 1 && report.failures[0].hasPrefix("B: folder refused"))
        #expect(await target.messages[FolderPath(["C"])]?.count == 1)
    }

    @Test("a Maildir target refusing a folder name that is too long: reported, the next folder restored")
    func fileNameTooLong() async throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scratch = try ScratchStore()
        let long = FolderPath([String(repeating: "x", count: 300)])
        try scratch.add([sourceItem("l1", "Subject: l1\r\n\r\nx\r\n", at: received)], to: long)
        try scratch.add([sourceItem("z1", "Subject: z1\r\n\r\nx\r\n", at: received)], to: FolderPath(["zz"]))
        let target = MaildirTarget(root: URL(fileURLWithPath: directory + "/Maildir"))
        let report = try await scratch.restore(into: target, overwrite: false)
        #expect(report.restored == 1 && report.foldersFailed == 1 && report.itemsNotTried == 1)
        #expect(report.failures.first?.contains("too long") == true)
        #expect(try await target.existingMessages(in: FolderPath(["zz"])).count == 1)
    }
}
