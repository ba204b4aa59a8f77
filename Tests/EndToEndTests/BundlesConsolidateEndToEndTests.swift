import Foundation
import Testing

/// `bundles consolidate` through the built executable: every kept point rebuilds the
/// same replica as the chain before the fold.
@Suite struct BundlesConsolidateEndToEndTests {
    @Test func everyKeptPointRebuildsTheSameReplicaAsBeforeTheFold() throws {
        let site = try OffsiteWorkspace.primaryWithFourExports()
        let original = site.work.url.appendingPathComponent("original-bundles")
        try FileManager.default.copyItem(at: site.bundles, to: original)

        let dryRun = try Tools.run(
            "brick-backup", ["bundles", "consolidate", site.bundles.path, "--keep-last", "2", "--keep-daily", "0",
                             "--keep-weekly", "0", "--keep-monthly", "0", "--dry-run"])
        #expect(dryRun.status == 0 && dryRun.stdout.contains("alice: would fold 2 of 4 bundles (1…3); kept points 3 4"), "\(dryRun.stdout)")
        #expect(try site.bundleFiles("alice").count == 4, "a dry run changes nothing")

        let folded = try Tools.run(
            "brick-backup", ["bundles", "consolidate", site.bundles.path, "--keep-last", "2", "--keep-daily", "0",
                             "--keep-weekly", "0", "--keep-monthly", "0"])
        #expect(folded.status == 0, "\(folded.stdout)\(folded.stderr)")
        #expect(try site.bundleFiles("alice").map(\.lastPathComponent) == ["0000000003.bundle", "0000000004.bundle"])
        let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(verify.status == 0, "\(verify.stdout)")

        for point in ["3", "4"] {
            let before = site.work.url.appendingPathComponent("before-\(point)")
            let after = site.work.url.appendingPathComponent("after-\(point)")
            #expect(try site.importing([original.path], into: before, ["--until", point]).status == 0)
            #expect(try site.importing([site.bundles.path], into: after, ["--until", point]).status == 0)
            for user in ["alice", "bob"] {
                let differences = try StoreComparison.differences(
                    before.appendingPathComponent(user), after.appendingPathComponent(user))
                #expect(differences.isEmpty, "point \(point), \(user): \(differences.prefix(5))")
            }
        }
        #expect(try site.differences("alice", replica: site.work.url.appendingPathComponent("after-4")).isEmpty)
    }
}
