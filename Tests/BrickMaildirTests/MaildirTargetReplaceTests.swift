import BrickCore
import BrickMessage
import Foundation
import Testing
@testable import BrickMaildir

/// Replacing in a Maildir the way the restore engine does it: list, append, then
/// remove the listed copies of the items that landed.
@Suite struct MaildirTargetReplaceTests {
    let date = Date(timeIntervalSince1970: 1_650_000_000)

    func items(_ flags: ItemFlags) -> [RestoreItem] {
        [
            RestoreItem(key: "1", flags: flags, internalDate: date, messageID: "<x@test>", raw: Array(message("x").utf8)),
            RestoreItem(key: "2", flags: flags, internalDate: date, messageID: nil, raw: Array("Subject: no id\n\nhi\n".utf8)),
        ]
    }

    func replace(_ items: [RestoreItem], in target: MaildirTarget, at path: FolderPath) async throws {
        let existing = try await target.existingMessages(in: path)
        let results = try await target.append(items, to: path)
        let copies = zip(items, results).filter { $0.1 == nil }.flatMap { existing[MaildirTarget.fingerprint(of: $0.0)] ?? [] }
        try await target.remove(copies, from: path)
    }

    func names(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test func replacingTwiceLeavesOneFilePerMessageWithTheNewFlagsAndOthersUntouched() async throws {
        let temp = try TemporaryDirectory()
        let target = MaildirTarget(root: temp.url)
        _ = try await target.append(items(ItemFlags(system: [.seen])), to: .inbox)
        try writeFile(temp.path + "/cur/1600000000.M1P1.other:2,T", message("other"))
        try writeFile(temp.path + "/new/1600000001.M1P1.new", message("unread"))

        let flags = ItemFlags(system: [.seen, .flagged])
        try await replace(items(flags), in: target, at: .inbox)
        try await replace(items(flags), in: target, at: .inbox)
        try await target.finish()

        let current = try names(temp.path + "/cur")
        #expect(current.count == 3)
        #expect(current.filter { $0.hasSuffix(":2,FS") }.count == 2)
        #expect(current.contains("1600000000.M1P1.other:2,T"))
        #expect(try names(temp.path + "/new") == ["1600000001.M1P1.new"])
        let prints = try await target.existingFingerprints(in: .inbox)
        #expect(prints.isSuperset(of: items(flags).map(MaildirTarget.fingerprint(of:))))
        #expect(prints.count == 4)
    }

    @Test func aCopyRenamedSinceTheListingIsStillRemoved() async throws {
        let temp = try TemporaryDirectory()
        let target = MaildirTarget(root: temp.url)
        let item = items(.none)[0]
        _ = try await target.append([item], to: .inbox)
        let existing = try await target.existingMessages(in: .inbox)
        let listed = try #require(existing[MaildirTarget.fingerprint(of: item)]?.first)
        let old = try #require(try names(temp.path + "/cur").first)
        try move(temp.path + "/cur/" + old, temp.path + "/cur/" + MaildirFileName(parsing: old).key.rawValue + ":2,S")

        _ = try await target.append([item], to: .inbox)
        try await target.remove([listed], from: .inbox)
        let left = try names(temp.path + "/cur")
        #expect(left.count == 1)
        #expect(MaildirFileName(parsing: left[0]).key != MaildirFileName(parsing: old).key)
        try await target.remove([listed], from: .inbox)
        #expect(try names(temp.path + "/cur") == left)
    }

    @Test func removalRefusesLocatorsItDidNotList() async throws {
        let temp = try TemporaryDirectory()
        let target = MaildirTarget(root: temp.url)
        try await target.prepareFolder(.inbox, specialUse: nil)
        for locator in ["tmp/x", "cur/../../etc", "cur/", "x", "cur/a/b"] {
            await #expect(throws: MaildirError.self) { try await target.remove([ExistingCopy(locator: locator)], from: .inbox) }
        }
    }
}
