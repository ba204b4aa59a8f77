@testable import BrickOffsite
import BrickBundle
import BrickStore
import Foundation
import Testing

/// A bundle's records (rows, holds, tombstones, item changes) may hold any value in any
/// field, right checksums and all: each is applied or refused with an error, never a
/// trap, and a replica that took it still opens and verifies without one.
@Suite struct OffsiteCraftedFieldTests {
    /// Edits that set the field at a tag of `kind` to an extreme value, one per value.
    static func extremes(_ kind: OffsiteColumn.Kind) -> [(inout BundleFields, UInt16) -> Void] {
        switch kind {
        case .integer: [Int64.min, -1, Int64.max].map { number in { fields, tag in fields.set(tag, number) } }
        case .text: ["", "../../x", "\u{1}\n"].map { text in { fields, tag in fields.set(tag, text) } }
        case .bytes: [[UInt8](), [0xFF, 0xFE, 0xFD]].map { bytes in { fields, tag in fields.set(tag, bytes: bytes) } }
        }
    }

    /// Imports `bundles` in turn into a new replica at `root`, in this process (a trap
    /// would end the test run); when the last was applied, reads the replica back the
    /// ways the tools do. True when the last bundle was applied.
    static func importAndRead(_ bundles: [[UInt8]], into root: URL) throws -> Bool {
        let importer = BundleImporter(root: root, options: ImportOptions())
        for bundle in bundles {
            guard let report = try? importer.importNext(from: BundleMemoryInput(bundle), label: "crafted"),
                  case .applied = report.outcome
            else { return false }
        }
        let replica = try UserStore(layout: StoreLayout(root: root, user: "alice"), mode: .readOnly)
        _ = try? replica.verify()
        _ = try? replica.folders(includeDeleted: true)
        var everything = ItemQuery()
        everything.deleted = .yes
        _ = try? replica.items(matching: everything)
        _ = try? replica.runs()
        _ = try? replica.holds()
        return true
    }

    @Test func extremeValuesInAnyFieldOfTheRowRecordsAreAppliedOrRefusedNeverATrap() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let (_, bytes) = try site.firstExportedBundle()
        var attempts = 0, applied = 0
        for (type, columns) in [(UInt16(1), OffsiteColumns.folders), (2, OffsiteColumns.items), (6, OffsiteColumns.runs)] {
            for column in columns {
                for edit in Self.extremes(column.kind) {
                    let crafted = try OffsiteCraftedBundleTests.rewriting(bytes) { recordType, fields in
                        if recordType == type { edit(&fields, column.tag) }
                    }
                    attempts += 1
                    if try Self.importAndRead([crafted], into: site.work.url.appendingPathComponent("replica-\(attempts)")) { applied += 1 }
                }
            }
        }
        #expect(attempts > 150)
        #expect(applied > 0 && applied < attempts, "some values are taken, some refused: \(applied) of \(attempts) applied")
        let outside = try FileManager.default.contentsOfDirectory(atPath: site.work.url.path).filter { $0 == "x" }
        #expect(outside.isEmpty, "no text field became a path outside a replica")
    }

    @Test func extremeValuesInHoldsTombstonesAndItemChangesAreAppliedOrRefusedNeverATrap() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        let held = try Tools.run("brick-backup", [
            "hold", "add", "alice", "--reason", "case 1", "--sender", "@nowhere.invalid", "--until", "2099-12-31", "--store", site.work.store.path,
        ])
        #expect(held.status == 0, "\(held.stderr)")
        try site.export()
        let inbox = try mail.messages()
        try mail.setFlags(inbox[0], "FS")
        try mail.remove(inbox[1])
        try mail.removeFolder(".Drafts")
        try site.backup()
        try site.purge()
        try site.export()
        let files = try site.bundleFiles("alice")
        try #require(files.count == 2)
        let full = [UInt8](try Data(contentsOf: files[0]))
        let incremental = [UInt8](try Data(contentsOf: files[1]))

        // Type 9 (hold) is in the full bundle; 4, 5 and 10 (tombstones, item changes) in the next.
        let purgeTags: [OffsiteColumn] = [
            OffsiteColumn(name: "run", tag: PurgeTag.run, kind: .integer), OffsiteColumn(name: "folder", tag: PurgeTag.folder, kind: .integer),
            OffsiteColumn(name: "key", tag: PurgeTag.key, kind: .text),
        ]
        let cases: [(type: UInt16, columns: [OffsiteColumn], inFull: Bool)] = [
            (9, OffsiteColumns.holds, true), (4, purgeTags, false), (5, Array(purgeTags.prefix(2)), false), (10, OffsiteColumns.itemChange, false),
        ]
        var attempts = 0, applied = 0, present: Set<UInt16> = []
        for (type, columns, inFull) in cases {
            for column in columns {
                for edit in Self.extremes(column.kind) {
                    let crafted = try OffsiteCraftedBundleTests.rewriting(inFull ? full : incremental) { recordType, fields in
                        if recordType == type { edit(&fields, column.tag); present.insert(type) }
                    }
                    attempts += 1
                    let root = site.work.url.appendingPathComponent("replica-\(attempts)")
                    if try Self.importAndRead(inFull ? [crafted] : [full, crafted], into: root) { applied += 1 }
                }
            }
        }
        #expect(present == [4, 5, 9, 10], "the bundles hold every record type edited")
        #expect(applied > 0 && applied < attempts, "some values are taken, some refused: \(applied) of \(attempts) applied")
    }
}
