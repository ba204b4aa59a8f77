import Foundation
import Testing

/// `bundles consolidate` killed with SIGKILL at random instants (up to the length of the
/// last full run). Every round adds a night (changes, a backup, an export) and
/// folds the whole chain into its last bundle (`--keep-daily 1`). After the kill the
/// directory must hold the old chain or the new one (`bundles verify` passes), a new
/// replica built from it and the replica that follows every night must both equal the
/// primary, and the consolidation run again completes, leaving one bundle.
/// `BRICK_CONSOLIDATE_KILLS` rounds (5 by default), `BRICK_CRASH_SEED` replays a run.
@Suite(.serialized) struct OffsiteConsolidationCrashTests {
    @Test func aConsolidationKilledAtRandomInstantsLeavesAChainThatImportsAndARerunFinishesIt() throws {
        let (seed, rounds) = KillRounds.fromEnvironment("consolidation crash test", rounds: "BRICK_CONSOLIDATE_KILLS", default: 5)
        var random = SeededRandom(seed: seed)
        let (site, root) = try Corpus.site(random: &random)
        try site.backup()
        try site.export()
        let consolidate = ["bundles", "consolidate", site.bundles.path, "--keep-daily", "1"]
        var consolidateTime = 0.3
        var landed = 0
        for round in 1...rounds {
            try Corpus.change(root, round: round, random: &random)
            try site.backup()
            if round % 3 == 0 { try site.purge() }
            try site.export()
            if let took = try Killer.run(consolidate, killAfter: Double.random(in: 0...consolidateTime, using: &random)) {
                consolidateTime = took
            } else {
                landed += 1
            }
            let context = "round \(round), seed \(seed)"
            let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
            #expect(verify.status == 0, "\(context): \(verify.stdout)\(verify.stderr)")

            let fresh = site.work.url.appendingPathComponent("replica-\(round)")
            let built = try site.importing([site.bundles.path], into: fresh)
            #expect(built.status == 0, "\(context): \(built.stdout)\(built.stderr)")
            let followed = try site.importing([site.bundles.path])
            #expect(followed.status == 0, "\(context): \(followed.stdout)\(followed.stderr)")
            let differences = try site.differences("alice", replica: fresh) + site.differences("alice")
            #expect(differences.isEmpty, "\(context): \(differences.prefix(5).joined(separator: "\n"))")
            try? FileManager.default.removeItem(at: fresh)

            let started = Date()
            let rerun = try Tools.run("brick-backup", consolidate)
            consolidateTime = Date().timeIntervalSince(started)
            #expect(rerun.status == 0, "\(context): \(rerun.stdout)\(rerun.stderr)")
            let left = try FileManager.default.contentsOfDirectory(atPath: site.bundles.appendingPathComponent("alice").path)
            #expect(left == [String(format: "%010d.bundle", round + 1)], "\(context): \(left)")
            if verify.status != 0 || !differences.isEmpty || rerun.status != 0 { break }
        }
        print("consolidation crash test: \(landed) of \(rounds) kills landed before the end")
    }

    /// The window a kill is least likely to hit, made by hand: the folded bundle renamed
    /// over the kept one, the bundles it folded not yet removed.
    @Test func foldedBundlesLeftBesideTheNewOneAreSkippedAndTheNextRunRemovesThem() throws {
        let site = try OffsiteWorkspace.chainOfThree(tag: "fold")
        let directory = site.bundles.appendingPathComponent("alice")
        let aside = site.work.url.appendingPathComponent("aside")
        try FileManager.default.createDirectory(at: aside, withIntermediateDirectories: true)
        for name in ["0000000001.bundle", "0000000002.bundle"] {
            try FileManager.default.copyItem(at: directory.appendingPathComponent(name), to: aside.appendingPathComponent(name))
        }
        let consolidate = ["bundles", "consolidate", site.bundles.path, "--keep-daily", "1"]
        let first = try Tools.run("brick-backup", consolidate)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        for name in ["0000000001.bundle", "0000000002.bundle"] {
            try FileManager.default.copyItem(at: aside.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }

        let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let imported = try site.importing([site.bundles.path])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let differences = try site.differences("alice")
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        let again = try Tools.run("brick-backup", consolidate)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["0000000003.bundle"])
    }
}
