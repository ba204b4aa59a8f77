@testable import BrickOffsite
import BrickBundle
import BrickStore
import Foundation
import Testing

/// A bundle's row records may hold any value in any field, right checksums and all:
/// each is applied or refused with an error, never a trap, and a replica that took it
/// still opens and verifies without one.
@Suite struct OffsiteCraftedFieldTests {
    /// Edits that set the field at a tag of `kind` to an extreme value, one per value.
    static func extremes(_ kind: OffsiteColumn.Kind) -> [(inout BundleFields, UInt16) -> Void] {
        switch kind {
        case .integer: [Int64.min, -1, Int64.max].map { number in { fields, tag in fields.set(tag, number) } }
        case .text: ["", "../../x", "\u{1}\n"].map { text in { fields, tag in fields.set(tag, text) } }
        case .bytes: [[UInt8](), [0xFF, 0xFE, 0xFD]].map { bytes in { fields, tag in fields.set(tag, bytes: bytes) } }
        }
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
                    let root = site.work.url.appendingPathComponent("replica-\(attempts)")
                    let importer = BundleImporter(root: root, options: ImportOptions())
                    guard let report = try? importer.importNext(from: BundleMemoryInput(crafted), label: "crafted"),
                          case .applied = report.outcome
                    else { continue }
                    applied += 1
                    let replica = try UserStore(layout: StoreLayout(root: root, user: "alice"), mode: .readOnly)
                    _ = try? replica.verify()
                    _ = try? replica.folders(includeDeleted: true)
                    var everything = ItemQuery()
                    everything.deleted = .yes
                    _ = try? replica.items(matching: everything)
                    _ = try? replica.runs()
                }
            }
        }
        #expect(attempts > 150)
        #expect(applied > 0 && applied < attempts, "some values are taken, some refused: \(applied) of \(attempts) applied")
        let outside = try FileManager.default.contentsOfDirectory(atPath: site.work.url.path).filter { $0 == "x" }
        #expect(outside.isEmpty, "no text field became a path outside a replica")
    }
}
