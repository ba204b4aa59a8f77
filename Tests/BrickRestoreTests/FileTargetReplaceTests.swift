import BrickCore
import BrickMessage
import Foundation
import Testing

@testable import BrickRestore

/// 2025-02-03T09:00:00Z.
private let received: TimeInterval = 1_738_573_200

private let withID = "Message-ID: <one@x>\r\nFrom: a@x.org\r\n\r\nFrom the start\r\nbody\r\n"
private let withoutID = "Subject: no id\r\n\r\nbody two\r\n"
private let stranger = RestoreItem(
    key: "stranger", flags: .none, internalDate: Date(timeIntervalSince1970: received - 3600), messageID: nil,
    raw: Array("Message-ID: <stranger@x>\r\n\r\nnot in the backup\r\n".utf8))

private func scratchDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "brick-replace-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func storeWithTwoMessages() throws -> ScratchStore {
    let scratch = try ScratchStore()
    try scratch.add([
        sourceItem("1", withID, at: received, flags: ItemFlags(system: [.seen])),
        sourceItem("2", withoutID, at: received + 60, flags: ItemFlags(system: [.seen])),
    ])
    return scratch
}

@Suite("Replacing in mbox and .eml targets")
struct FileTargetReplaceTests {
    @Test("mbox: overwriting twice leaves one entry per message, the other message byte for byte, and the rest in order")
    func mboxOverwrite() async throws {
        let root = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let scratch = try storeWithTwoMessages()
        let file = root + "/INBOX.mbox"
        _ = try await MboxTarget(location: root).append([stranger], to: .inbox)
        #expect(try await scratch.restore(into: MboxTarget(location: root), overwrite: false).restored == 2)
        let strangerEntry = MboxFormat.entry(raw: stranger.raw, sender: nil, internalDate: stranger.internalDate)

        for _ in 0..<2 {
            let report = try await scratch.restore(into: MboxTarget(location: root), overwrite: true)
            #expect(report.restored == 2 && report.replaced == 2 && report.failures.isEmpty)
        }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        let entries = bytes.withUnsafeBytes { buffer in MboxFormat.messages(in: buffer).map { Array(bytes[$0.entry]) } }
        #expect(entries.count == 3)
        #expect(entries.first == strangerEntry)
        let prints = try await MboxTarget(location: root).existingMessages(in: .inbox)
        #expect(prints[MessageFingerprint(identity: "one@x", internalDate: Int64(received))]?.count == 1)
        let noID = MessageFingerprint(raw: Array(withoutID.utf8), messageID: nil, internalDate: Date(timeIntervalSince1970: received + 60))
        #expect(prints[noID]?.count == 1)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("mbox: copies listed before the file was rewritten are refused and nothing changes")
    func mboxStaleListing() async throws {
        let root = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let target = MboxTarget(location: root + "/one.mbox")
        let first = RestoreItem(key: "a", flags: .none, internalDate: Date(timeIntervalSince1970: received), messageID: nil,
                                raw: Array(withID.utf8))
        _ = try await target.append([first, stranger], to: .inbox)
        let listed = try await target.existingMessages(in: .inbox)
        let copies = try #require(listed[MessageFingerprint(restoring: first)])
        try await target.remove(copies, from: .inbox)
        let after = try Data(contentsOf: URL(fileURLWithPath: root + "/one.mbox"))
        #expect(try await target.existingMessages(in: .inbox).count == 1)

        await #expect(throws: FileTargetError.self) { try await target.remove(copies, from: .inbox) }
        await #expect(throws: FileTargetError.self) {
            try await target.remove([ExistingCopy(locator: "not a locator")], from: .inbox)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/one.mbox")) == after)
    }

    @Test("mbox: the kept parts are everything outside the removed entries")
    func mboxGaps() {
        #expect(MboxTarget.gaps(between: [10..<20, 0..<5], in: 0..<30) == [5..<10, 20..<30])
        #expect(MboxTarget.gaps(between: [0..<30], in: 0..<30) == [])
        #expect(MboxTarget.gaps(between: [], in: 0..<30) == [0..<30])
    }

    @Test(".eml: overwriting replaces the file in place, keeps one manifest row per file with the new flags, and leaves other files alone")
    func emlOverwrite() async throws {
        let root = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let scratch = try storeWithTwoMessages()
        _ = try await EMLTarget(directory: root).append([stranger], to: .inbox)
        _ = try await scratch.restore(into: EMLTarget(directory: root), overwrite: false)
        let newFlags = ItemFlags(system: [.seen, .flagged])
        try scratch.setFlags(newFlags, of: ["1", "2"])

        for _ in 0..<2 {
            let report = try await scratch.restore(into: EMLTarget(directory: root), overwrite: true)
            #expect(report.restored == 2 && report.replaced == 2 && report.failures.isEmpty)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: root + "/INBOX").sorted()
        #expect(files == ["2025-02-03_080000_stranger.eml", "2025-02-03_090000_1.eml", "2025-02-03_090100_2.eml"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/INBOX/2025-02-03_090000_1.eml")) == Data(withID.utf8))
        let records = EMLManifest.Records(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: root + "/manifest.csv"))))
        #expect(records.header == EMLManifest.columns)
        #expect(records.rows.count == 3)
        #expect(Set(records.rows.compactMap { records.value($0, "file") }).count == 3)
        for row in records.rows where records.value(row, "key") != "stranger" {
            #expect(records.value(row, "flags") == newFlags.description)
        }
    }

    @Test(".eml: a copy of the same message under another name is removed with its manifest row")
    func emlOverwriteElsewhere() async throws {
        let root = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let scratch = try storeWithTwoMessages()
        let oldCopy = RestoreItem(key: "older-key", flags: .none, internalDate: Date(timeIntervalSince1970: received),
                                  messageID: nil, raw: Array(withID.utf8))
        _ = try await EMLTarget(directory: root).append([oldCopy, stranger], to: .inbox)

        let report = try await scratch.restore(into: EMLTarget(directory: root), overwrite: true)
        #expect(report.restored == 2 && report.replaced == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: root + "/INBOX").sorted()
        #expect(files == ["2025-02-03_080000_stranger.eml", "2025-02-03_090000_1.eml", "2025-02-03_090100_2.eml"])
        let records = EMLManifest.Records(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: root + "/manifest.csv"))))
        #expect(records.rows.compactMap { records.value($0, "key") }.sorted() == ["1", "2", "stranger"])
        await #expect(throws: FileTargetError.self) {
            try await EMLTarget(directory: root).remove([ExistingCopy(locator: "../outside.eml")], from: .inbox)
        }
    }
}
