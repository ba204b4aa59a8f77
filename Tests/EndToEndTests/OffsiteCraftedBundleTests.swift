import BrickBundle
import Foundation
import Testing

/// Bundles are read from storage that others may write to, and a plain bundle's
/// checksums prove no author: a bundle whose checksums are right but whose folder row
/// names a directory outside the replica is refused, and nothing is written there.
@Suite struct OffsiteCraftedBundleTests {
    /// The bundle `bytes` rewritten with `edit` given every structured record (all but
    /// values, type 3) with its type, every checksum and the digest computed again.
    static func rewriting(_ bytes: [UInt8], _ edit: (UInt16, inout BundleFields) throws -> Void) throws -> [UInt8] {
        let input = BundleMemoryInput(bytes)
        let reader = try #require(try BundleReader.next(from: input))
        let output = BundleMemoryOutput()
        let writer = try BundleWriter(header: reader.header, output: output)
        while let record = try reader.nextRecord() {
            if record.type.rawValue != 3 {
                var fields = try reader.readFields()
                try edit(record.type.rawValue, &fields)
                try writer.append(record.type, fields, skippable: record.skippable)
            } else {
                var payload: [UInt8] = []
                try reader.readPayload(chunkSize: 1 << 20) { payload += $0 }
                try writer.appendStreamed(record.type, length: UInt64(payload.count), skippable: record.skippable) { write in
                    try write(payload)
                }
            }
        }
        try writer.finish()
        return output.bytes
    }

    @Test func aFolderRowWhoseDirectoryLeadsOutOfTheReplicaIsRefusedAndNothingIsWrittenThere() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let (file, bytes) = try site.firstExportedBundle()
        let escape = site.work.url.appendingPathComponent("escape")
        var edited = 0
        let crafted = try Self.rewriting(bytes) { type, fields in
            // Type 1 is a folder row; tag 1 is the folder's id, tag 9 its directory (docs/FORMAT.md §8.5).
            guard type == 1 else { return }
            let id = try #require(try fields.int(1))
            fields.set(9, "../../escape/folders/\(id)")
            edited += 1
        }
        #expect(edited > 1, "the fixture user has several folders")
        try Data(crafted).write(to: file)
        let verified = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(verified.status == 0, "the crafted bundle's checksums are right: \(verified.stdout)\(verified.stderr)")

        let imported = try site.importing([site.bundles.path])
        #expect(imported.status == 4, "a refused bundle")
        #expect(imported.stderr.contains("user alice: bundle \(file.path), record 0: folder #"), "\(imported.stderr)")
        #expect(imported.stderr.contains("names the directory \"../../escape/folders/"), "\(imported.stderr)")
        #expect(!FileManager.default.fileExists(atPath: escape.path), "nothing is written outside the replica")
    }
}
