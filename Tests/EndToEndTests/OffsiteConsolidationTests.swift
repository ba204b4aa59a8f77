import BrickBundle
import BrickOffsite
import Foundation
import Testing

/// Bundles folded by consolidation with the store's record schema still rebuild the
/// primary: the folded chain imported into an empty replica equals it.
@Suite(.serialized) struct OffsiteConsolidationTests {
    private func consolidate(_ bundles: [BundleFileInfo], into directory: URL) throws {
        let last = try #require(bundles.last)
        let output = try BundleFileOutput(directory: directory, user: last.header.user, sequence: last.header.sequence)
        _ = try BundleConsolidation.consolidate(bundles, schema: OffsiteRecordSchema(), brickVersion: "test", into: output)
        try output.commit()
    }

    @Test func incrementalBundlesFoldedIntoOneRebuildThePrimaryAfterTheFullOne() throws {
        let site = try OffsiteWorkspace.primaryWithFourExports()
        let chain = try BundleDirectory.chain(in: site.bundles, user: "alice").bundles
        try #require(chain.count == 4)
        let folded = site.work.url.appendingPathComponent("folded")
        try consolidate(Array(chain[1...]), into: folded)
        let result = try site.importing([chain[0].url.path, folded.appendingPathComponent("alice/0000000004.bundle").path])
        #expect(result.status == 0 && result.stdout.contains("consolidated"), "\(result.stdout)\(result.stderr)")
        let differences = try site.differences("alice")
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        let verify = try Tools.run("brick-backup", ["verify", site.replica.appendingPathComponent("alice").path, "--progress", "never"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test func aWholeChainFoldedIntoOneFullBundleRebuildsThePrimary() throws {
        let site = try OffsiteWorkspace.primaryWithFourExports()
        let chain = try BundleDirectory.chain(in: site.bundles, user: "alice").bundles
        let folded = site.work.url.appendingPathComponent("folded")
        try consolidate(chain, into: folded)
        let result = try site.importing([folded.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let differences = try site.differences("alice")
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }
}
