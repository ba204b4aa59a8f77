import BrickCore
import BrickMessage
import Foundation
import Testing

@testable import BrickRestore

/// A fresh empty directory for one test.
private func makeScratchDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "brick-mbox-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func item(_ key: String, _ text: String, at seconds: TimeInterval, crlf: Bool = false) -> RestoreItem {
    let raw = Array((crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text).utf8)
    let summary = MessageSummary(parsing: raw)
    return RestoreItem(
        key: ItemKey(key), flags: ItemFlags(system: [.seen]), internalDate: Date(timeIntervalSince1970: seconds),
        messageID: summary.messageID, raw: raw)
}

private func fileBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// 2025-02-03T09:00:00Z, a Monday.
private let monday: TimeInterval = 1_738_573_200

@Test("mboxrd quoting adds one > to >*From lines and reading takes it away")
func mboxQuotingRoundTrip() async throws {
    let root = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let file = root + "/out.mbox"
    let body = "From: Alice <alice@example.com>\nMessage-ID: <q@x>\n\nFrom here\n>From there\n>>From afar\nFromage\n From indented\nFrom"
    let target = MboxTarget(location: file)
    #expect(target.isSingleFile)
    let results = try await target.append([item("1", body, at: monday)], to: .inbox)
    #expect(results.count == 1 && results[0] == nil)
    try await target.finish()

    let text = String(decoding: try fileBytes(file), as: UTF8.self)
    #expect(text.hasPrefix("From alice@example.com Mon Feb  3 09:00:00 2025\n"))
    #expect(text.contains("\n>From here\n>>From there\n>>>From afar\nFromage\n From indented\nFrom\n\n"))
    #expect(text.hasSuffix("From\n\n"))

    let restored = try fileBytes(file).withUnsafeBytes { buffer -> [UInt8] in
        let messages = MboxFormat.messages(in: buffer)
        #expect(messages.count == 1)
        return MboxFormat.unquoted(UnsafeRawBufferPointer(rebasing: buffer[messages[0].content]))
    }
    #expect(restored == Array((body + "\n").utf8))
}

@Test("CRLF messages are written with LF endings")
func mboxConvertsLineEndings() async throws {
    let root = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let target = MboxTarget(location: root + "/crlf.mbox")
    _ = try await target.append([item("1", "Subject: x\n\nline one\nline two\n", at: monday, crlf: true)], to: .inbox)
    let bytes = try fileBytes(root + "/crlf.mbox")
    #expect(!bytes.contains(0x0D))
    #expect(String(decoding: bytes, as: UTF8.self).hasSuffix("Subject: x\n\nline one\nline two\n\n"))
}

@Test("separator line uses MAILER-DAEMON without a usable From and asctime in UTC")
func mboxSeparatorLine() {
    let date = Date(timeIntervalSince1970: 1_709_251_199)
    #expect(MboxFormat.separatorLine(sender: nil, date: date) == Array("From MAILER-DAEMON Thu Feb 29 23:59:59 2024\n".utf8))
    #expect(MboxFormat.separatorLine(sender: "\"a b\"@x", date: date).starts(with: Array("From MAILER-DAEMON ".utf8)))
    #expect(MboxFormat.separatorLine(sender: "bob@x.org", date: Date(timeIntervalSince1970: 0))
        == Array("From bob@x.org Thu Jan  1 00:00:00 1970\n".utf8))
}

@Test("a second run finds every message it wrote, with and without Message-ID")
func mboxFingerprintsCoverWrittenItems() async throws {
    let root = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let items = [
        item("1", "Message-ID: <one@x>\nFrom: a@x.org\n\nbody\n", at: monday),
        item("2", "Message-ID: <two@x>\n\nbody\n", at: monday + 1, crlf: true),
        item("3", "Subject: no id, LF\n\nFrom the start\n", at: monday + 2),
        item("4", "Subject: no id, CRLF\n\nbody\n", at: monday + 3, crlf: true),
        item("5", "Subject: no id, no final newline\n\nbody", at: monday + 4),
        item("6", "Subject: no id, CRLF, no final newline\n\nbody", at: monday + 5, crlf: true),
        item("7", "", at: monday + 6),
    ]
    let target = MboxTarget(location: root)
    #expect(!target.isSingleFile)
    try await target.prepareFolder(.inbox, specialUse: nil)
    #expect(try await target.existingFingerprints(in: .inbox).isEmpty)
    _ = try await target.append(Array(items[..<4]), to: .inbox)
    _ = try await target.append(Array(items[4...]), to: .inbox)
    try await target.finish()

    let again = MboxTarget(location: root)
    let existing = try await again.existingFingerprints(in: .inbox)
    for written in items {
        #expect(existing.contains(MessageFingerprint(restoring: written)), "item \(written.key)")
    }
    let remaining = items.filter { !existing.contains(MessageFingerprint(restoring: $0)) }
    #expect(remaining.isEmpty)
    #expect(try await again.existingFingerprints(in: FolderPath(["Other"])).isEmpty)
}

@Test("reads an mbox written by another program")
func mboxReadsForeignFile() async throws {
    let root = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let file = root + "/foreign.mbox"
    let text = "From someone@example.com Tue Mar  4 08:15:30 2025\nMessage-ID: <f1@example.com>\n\n>From quoted\n\n"
        + "From other@example.com Tue Mar  4 08:15:31 2025 +0000\nMessage-Id: f2@example.com\n\nx\n"
    try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    let existing = try await MboxTarget(location: file).existingFingerprints(in: .inbox)
    #expect(existing == [
        MessageFingerprint(identity: "f1@example.com", internalDate: 1_741_076_130),
        MessageFingerprint(identity: "f2@example.com", internalDate: 1_741_076_131),
    ])
}

@Test("directory mode keeps every folder inside the root, one distinct file each")
func mboxPathSafety() async throws {
    let root = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let target = MboxTarget(location: root)
    let folders = [
        FolderPath(["../x"]), FolderPath(["a/b"]), FolderPath(["a", "b"]), FolderPath(["."]), FolderPath([".."]),
        FolderPath([""]), FolderPath.root, FolderPath(["Archive"]), FolderPath(["Archive.mbox", "child"]),
        FolderPath(["Archiv\u{e9}", "2025"]), FolderPath(["nul\u{0}byte"]),
    ]
    var files: Set<String> = []
    for folder in folders {
        let file = target.filePath(for: folder)
        #expect(file.hasPrefix(root + "/"))
        #expect(!file.dropFirst(root.count).split(separator: "/").contains { $0 == ".." || $0 == "." })
        #expect(!file.contains("\u{0}"))
        files.insert(file)
        _ = try await target.append([item("1", "Subject: \(folder)\n\nx\n", at: monday)], to: folder)
    }
    #expect(files.count == folders.count - 1)  // `[""]` and the root share the `%empty` name.
    #expect(target.filePath(for: FolderPath(["a", "b"])) == root + "/a/b.mbox")
    #expect(target.filePath(for: FolderPath(["a/b"])) == root + "/a%2Fb.mbox")
    #expect(target.filePath(for: FolderPath(["Archive.mbox", "child"])) == root + "/Archive%2Embox/child.mbox")
    let listed = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".mbox") }
    #expect(Set(listed).count == files.count)
    let parent = (root as NSString).deletingLastPathComponent
    #expect(!FileManager.default.fileExists(atPath: parent + "/x.mbox"))
    let attributes = try FileManager.default.attributesOfItem(atPath: root + "/Archive.mbox")
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
}

@Test("a single mbox file takes exactly one folder")
func mboxSingleFileRefusesSecondFolder() async throws {
    let root = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let target = MboxTarget(location: root + "/one.mbox")
    try await target.prepareFolder(.inbox, specialUse: nil)
    try await target.prepareFolder(FolderPath(["Sent"]), specialUse: .sent)
    _ = try await target.append([item("1", "Subject: a\n\nx\n", at: monday)], to: .inbox)
    _ = try await target.append([item("2", "Subject: b\n\nx\n", at: monday)], to: .inbox)
    await #expect(throws: FileTargetError.self) {
        _ = try await target.append([item("3", "Subject: c\n\nx\n", at: monday)], to: FolderPath(["Sent"]))
    }
    let count = try fileBytes(root + "/one.mbox").withUnsafeBytes { MboxFormat.messages(in: $0).count }
    #expect(count == 2)
}

@Test("the location picks the mode: .mbox or an existing file is one file, a trailing / a directory")
func mboxLocationModes() throws {
    let root = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    #expect(MboxTarget(location: root + "/all.MBOX").isSingleFile)
    #expect(!MboxTarget(location: root + "/dir.mbox/").isSingleFile)
    #expect(MboxTarget(location: root + "/dir.mbox/").location == root + "/dir.mbox")
    #expect(!MboxTarget(location: root).isSingleFile)
    #expect(!MboxTarget(location: root + "/not-yet").isSingleFile)
    FileManager.default.createFile(atPath: root + "/mailbox", contents: Data())
    #expect(MboxTarget(location: root + "/mailbox").isSingleFile)
    #expect(MboxTarget(location: root + "/mailbox").filePath(for: FolderPath(["Any", "Folder"])) == root + "/mailbox")
}
