import BrickCore
import BrickMessage
import Foundation
import Testing

@testable import BrickRestore

/// A fresh empty directory for one test.
private func makeScratchDirectory() throws -> String {
    // Nested one level, so "outside the root" is a directory no other test touches.
    let path = NSTemporaryDirectory() + "brick-eml-\(UUID().uuidString)/root"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func item(_ key: String, _ raw: [UInt8], at seconds: TimeInterval, flags: ItemFlags = .none) -> RestoreItem {
    RestoreItem(
        key: ItemKey(key), flags: flags, internalDate: Date(timeIntervalSince1970: seconds),
        messageID: MessageSummary(parsing: raw).messageID, raw: raw)
}

/// 2025-02-03T09:00:00Z.
private let received: TimeInterval = 1_738_573_200

private let tricky: [UInt8] = Array(
    "Message-ID: <m1@example.com>\r\nFrom: \"Doe, Jane\" <Jane@Example.com>\r\nSubject: =?utf-8?q?Caf=C3=A9?=, \"quoted\"\r\n\r\nbody\r\nFrom x\r\n".utf8)
    + [0xFF, 0x00, 0x0D]

@Test("each item becomes a byte-exact .eml file with the internal date as mtime")
func emlWritesFiles() async throws {
    let root = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
    let target = EMLTarget(directory: root)
    let written = item("1700000000.M1P2.host,S=42", tricky, at: received + 0.5)
    let results = try await target.append([written], to: FolderPath(["Archive", "2025"]))
    #expect(results.count == 1 && results[0] == nil)
    try await target.finish()

    let path = root + "/Archive/2025/2025-02-03_090000_1700000000.M1P2.host,S=42.eml"
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(tricky))
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 == received + 0.5)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    #expect(target.fileName(for: item("a:b/c", [], at: 0)) == "1970-01-01_000000_a%3Ab%2Fc.eml")
}

@Test("manifest has one header, quoted fields, and grows on later runs")
func emlManifest() async throws {
    let root = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
    let first = EMLTarget(directory: root)
    _ = try await first.append(
        [item("1", tricky, at: received, flags: ItemFlags(system: [.seen, .flagged], keywords: ["$Label1"]))],
        to: .inbox)
    try await first.finish()
    let second = EMLTarget(directory: root)
    _ = try await second.append([item("2", Array("Subject: plain\n\nx".utf8), at: received + 60)], to: FolderPath(["a,b"]))
    try await second.finish()

    let text = try String(contentsOfFile: root + "/manifest.csv", encoding: .utf8)
    #expect(text.hasPrefix("folder,file,key,message_id,from,subject,received,size,flags\r\n"))
    #expect(text.components(separatedBy: "folder,file,key").count == 2)
    let records = CSV.records(Array(text.utf8))
    #expect(records.count == 3)
    #expect(records[1] == [
        "INBOX", "INBOX/2025-02-03_090000_1.eml", "1", "m1@example.com", "Doe, Jane <jane@example.com>",
        "Café, \"quoted\"", "2025-02-03T09:00:00Z", String(tricky.count), "\\Seen \\Flagged $Label1",
    ])
    #expect(records[2] == [
        "a,b", "a,b/2025-02-03_090100_2.eml", "2", "", "", "plain", "2025-02-03T09:01:00Z", "17", "",
    ])
    #expect(text.contains("\"Café, \"\"quoted\"\"\""))
}

@Test("a subject starting like a formula lands in the manifest neutralised")
func emlManifestNeutralisesFormulas() async throws {
    let root = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
    let target = EMLTarget(directory: root)
    _ = try await target.append([item("1", Array("Subject: =cmd|'/c calc'!A1\n\nx".utf8), at: received)], to: .inbox)
    try await target.finish()
    let text = try String(contentsOfFile: root + "/manifest.csv", encoding: .utf8)
    #expect(text.contains(",\"'=cmd|'/c calc'!A1\","))
    #expect(!text.contains(",=cmd"))
}

@Test("a second run finds every message it wrote")
func emlFingerprintsCoverWrittenItems() async throws {
    let root = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
    let items = [
        item("1", tricky, at: received),
        item("2", Array("Subject: no id\r\n\r\nbody".utf8), at: received + 1),
        item("3", [], at: received + 2),
    ]
    let target = EMLTarget(directory: root)
    try await target.prepareFolder(.inbox, specialUse: nil)
    #expect(try await target.existingFingerprints(in: .inbox).isEmpty)
    _ = try await target.append(items, to: .inbox)
    _ = try await target.append([item("9", tricky, at: received + 9)], to: FolderPath(["Other"]))
    try await target.finish()

    let existing = try await EMLTarget(directory: root).existingFingerprints(in: .inbox)
    #expect(existing == Set(items.map { MessageFingerprint(restoring: $0) }))
}

@Test("folder names cannot leave the root or collide")
func emlPathSafety() async throws {
    let root = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
    let target = EMLTarget(directory: root)
    let folders = [
        FolderPath(["../x"]), FolderPath(["a/b"]), FolderPath(["a", "b"]), FolderPath(["."]), FolderPath([".."]),
        FolderPath([""]), FolderPath(["manifest.csv"]), FolderPath(["x", "manifest.csv"]), FolderPath(["Écrits"]),
    ]
    var directories: Set<String> = []
    for (index, folder) in folders.enumerated() {
        let directory = target.folderDirectory(for: folder)
        #expect(directory.hasPrefix(root + "/"))
        #expect(!directory.dropFirst(root.count).split(separator: "/").contains { $0 == ".." || $0 == "." })
        directories.insert(directory)
        let results = try await target.append([item("\(index)", Array("Subject: s\n\nx".utf8), at: received)], to: folder)
        #expect(results[0] == nil)
    }
    #expect(directories.count == folders.count)
    #expect(target.folderDirectory(for: FolderPath(["../x"])) == root + "/%2E.%2Fx")
    #expect(target.folderDirectory(for: FolderPath(["manifest.csv"])) == root + "/manifest%2Ecsv")
    #expect(target.folderDirectory(for: FolderPath(["x", "manifest.csv"])) == root + "/x/manifest.csv")
    #expect(target.folderDirectory(for: FolderPath(["Écrits"])) == root + "/Écrits")
    let parent = (root as NSString).deletingLastPathComponent
    #expect(!FileManager.default.fileExists(atPath: parent + "/x"))
    let listed = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".eml") }
    #expect(listed.count == folders.count)
}

/// A name and its safe component.
struct SafeNameCase: CustomTestStringConvertible, Sendable {
    var name: String
    var expected: String
    var testDescription: String { name.debugDescription }
}

@Test(
    "safe path components",
    arguments: [
        SafeNameCase(name: "INBOX", expected: "INBOX"),
        SafeNameCase(name: "", expected: "%empty"),
        SafeNameCase(name: ".", expected: "%2E"),
        SafeNameCase(name: "..", expected: "%2E%2E"),
        SafeNameCase(name: "../x", expected: "%2E.%2Fx"),
        SafeNameCase(name: "a/b", expected: "a%2Fb"),
        SafeNameCase(name: "100%", expected: "100%25"),
        SafeNameCase(name: "nul\u{0}tab\t", expected: "nul%00tab%09"),
        SafeNameCase(name: "Re: what?*", expected: "Re%3A what%3F%2A"),
        SafeNameCase(name: "trailing. ", expected: "trailing.%20"),
        SafeNameCase(name: ".hidden", expected: "%2Ehidden"),
        SafeNameCase(name: "Entwürfe 日本", expected: "Entwürfe 日本"),
    ])
func safeNames(_ testCase: SafeNameCase) {
    #expect(SafePathComponent.encode(testCase.name) == testCase.expected)
}

@Test("long names are cut at a character boundary and keep a digest")
func safeLongNames() {
    let long = String(repeating: "é", count: 150)
    let other = long + "x"
    let encoded = SafePathComponent.encode(long)
    #expect(encoded.utf8.count <= SafePathComponent.maximumLength)
    #expect(encoded.hasPrefix("éé"))
    #expect(encoded != SafePathComponent.encode(other))
    let escapes = SafePathComponent.encode(String(repeating: "/", count: 100))
    #expect(escapes.utf8.count <= SafePathComponent.maximumLength)
    #expect(escapes.hasSuffix("%" + String(SHA256Digest.hex(Array(String(repeating: "/", count: 100).utf8)).prefix(16))))
    #expect(escapes.dropLast(17).hasSuffix("%2F"))
}

@Test("CSV quoting and parsing round trip")
func csvRoundTrip() {
    let fields = ["plain", "with,comma", "with \"quote\"", "line\r\nbreak", " padded ", "", "ünïcode"]
    let line = CSV.record(fields)
    #expect(line == "plain,\"with,comma\",\"with \"\"quote\"\"\",\"line\r\nbreak\",\" padded \",,ünïcode\r\n")
    #expect(CSV.records(Array((line + line).utf8)) == [fields, fields])
    #expect(CSV.records(Array("a,b\nc,\"d".utf8)) == [["a", "b"], ["c", "d"]])
}
