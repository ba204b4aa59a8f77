import BrickBundle
import BrickOffsite
import Foundation
import Testing

/// A flag change or a deletion mark travels as an item change (record 10): the row's
/// flags, MODSEQ and deletion columns only, not the whole row.
@Suite struct OffsiteItemChangeTests {
    /// The number of records of each type in a plain bundle file.
    func recordTypes(_ url: URL) throws -> [UInt16: Int] {
        let reader = try #require(try BundleReader.next(from: BundleFileInput(url: url)))
        var counts: [UInt16: Int] = [:]
        while let head = try reader.nextRecord() {
            counts[head.type.rawValue, default: 0] += 1
            try reader.skipPayload()
        }
        return counts
    }

    @Test func aFlagChangeAndADeletionTravelAsItemChangesAndTheReplicaEqualsThePrimary() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        try site.export()
        let inbox = try mail.messages()
        try mail.setFlags(inbox[0], "FRS")
        try mail.remove(inbox[1])
        try site.backup()
        try site.export()
        let second = try site.bundleFiles("alice")[1]
        let types = try recordTypes(second)
        #expect(types[10] == 2 && types[2] == nil && types[3] == nil, "\(types)")
        let items = try site.importAndCompareAlice()
        #expect(items.contains { $0.flags.contains { $0.contains("Flagged") } }, "\(items.map(\.flags))")

        // Folded with a bundle that added an item and one that changes its flags:
        // the fold keeps the new row, then its change.
        try mail.addMessage(name: "1800000001.M1P1.change", subject: "flagged later")
        try site.backup()
        try site.export()
        let maildir = site.work.maildir("alice")
        try FileManager.default.moveItem(
            at: maildir.appendingPathComponent("new/1800000001.M1P1.change"), to: maildir.appendingPathComponent("cur/1800000001.M1P1.change:2,FS"))
        try site.backup()
        try site.export()
        let chain = try BundleDirectory.chain(in: site.bundles, user: "alice").bundles
        try #require(chain.count == 4)
        let folded = site.work.url.appendingPathComponent("folded")
        let output = try BundleFileOutput(directory: folded, user: "alice", sequence: 4)
        _ = try BundleConsolidation.consolidate(Array(chain[1...]), schema: OffsiteRecordSchema(), brickVersion: "test", into: output)
        try output.commit()
        let foldedTypes = try recordTypes(folded.appendingPathComponent("alice/0000000004.bundle"))
        #expect(foldedTypes[2] == 1 && foldedTypes[10] == 3, "\(foldedTypes)")
        let fresh = site.work.url.appendingPathComponent("fresh")
        let imported = try site.importing([chain[0].url.path, folded.appendingPathComponent("alice/0000000004.bundle").path], into: fresh)
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let differences = try site.differences("alice", replica: fresh)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }
}
