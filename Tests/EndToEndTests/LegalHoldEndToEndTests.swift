import Foundation
import Testing

/// `brick-backup hold` with purge, stats, the run history and off-site bundles, through
/// the built executables.
@Suite(.serialized) struct LegalHoldEndToEndTests {
    @Test func aHeldUserSurvivesPurgeUntouchedAndIsPurgedAfterTheHoldIsRemoved() throws {
        let work = try Workspace()
        let store = work.store.path
        let backup = ["backup", "--source", work.source, "--all-users", "--store", store, "--progress", "never"]
        #expect(try Tools.run("brick-backup", backup).status == 0)
        let placed = try Tools.run("brick-backup", ["hold", "add", "alice", "--reason", "Case 2026-17", "--until", "2999-12-31", "--store", store])
        #expect(placed.status == 0 && placed.stdout.contains("alice: hold 1 placed on everything"), "\(placed.stdout)\(placed.stderr)")
        // Both users lose every message upstream.
        for user in ["alice", "bob"] {
            for file in work.messageFiles(user) { try FileManager.default.removeItem(at: file) }
        }
        #expect(try Tools.run("brick-backup", backup).status == 0)
        let alice = work.store.appendingPathComponent("alice")
        let before = try index(alice, ["--deleted", "yes"])
        #expect(!before.isEmpty && before.allSatisfy { $0.deleted != nil })

        let purge = try Tools.run("brick-backup", ["purge", "--older-than", "0", "--store", store])
        #expect(purge.status == 0, "\(purge.stderr)")
        #expect(purge.stdout.contains("alice: \(before.count) items deleted upstream were kept because of a legal hold"), "\(purge.stdout)")
        #expect(try index(alice, ["--deleted", "yes"]).map(\.sha256) == before.map(\.sha256))
        #expect(try index(work.store.appendingPathComponent("bob"), ["--deleted", "yes"]).isEmpty)
        #expect(try Tools.run("brick-backup", ["verify", alice.path, "--progress", "never"]).status == 0)

        let stats = try Tools.run("brick-backup", ["stats", alice.path])
        #expect(stats.stdout.contains("legal hold 1 since") && stats.stdout.contains("reason: Case 2026-17"), "\(stats.stdout)")
        let listed = try Tools.run("brick-backup", ["hold", "list", "--store", store, "--format", "csv"])
        #expect(listed.stdout.split(separator: "\n").count == 2 && listed.stdout.contains("alice,1,"), "\(listed.stdout)")

        let removed = try Tools.run("brick-backup", ["hold", "remove", "alice", "--why", "closed", "--store", store])
        #expect(removed.status == 0 && removed.stdout.contains("hold 1 (everything) removed"), "\(removed.stdout)")
        #expect(try Tools.run("brick-backup", ["purge", "--older-than", "0", "--store", store]).status == 0)
        #expect(try index(alice, ["--deleted", "yes"]).isEmpty)
        // Both changes are in the run history.
        let runs = try Tools.run("brick-backup", ["runs", alice.path, "--format", "csv"])
        #expect(runs.stdout.split(separator: "\n").filter { $0.contains(",hold,") }.count == 2, "\(runs.stdout)")
        let history = try Tools.run("brick-backup", ["hold", "list", "alice", "--all", "--store", store, "--format", "csv"])
        #expect(history.stdout.contains("removed "), "\(history.stdout)")
    }

    @Test func holdChangesInTheRunHistoryShowWhatWhyAndUntilAndNoNegativeDuration() throws {
        let work = try Workspace()
        let store = work.store.path
        #expect(try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", store, "--progress", "never"]).status == 0)
        // Changes within one second get starts a second apart, past the clock.
        for reason in ["Case A", "Case B", "Case C"] {
            let placed = try Tools.run("brick-backup", ["hold", "add", "alice", "--reason", reason, "--until", "2999-12-31", "--sender", "@example.org", "--store", store])
            #expect(placed.status == 0, "\(placed.stderr)")
        }
        #expect(try Tools.run("brick-backup", ["hold", "remove", "alice", "--why", "settled", "--store", store]).status == 0)
        let alice = work.store.appendingPathComponent("alice").path
        let csv = try Tools.run("brick-backup", ["runs", alice, "--format", "csv"])
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains(",first_error,detail,events_added,") == true, "\(csv.stdout)")
        let holds = lines.filter { $0.contains(",hold,") }
        #expect(holds.count == 4, "\(csv.stdout)")
        for line in lines.dropFirst() {
            let seconds = line.split(separator: ",", omittingEmptySubsequences: false)[4]
            #expect(!seconds.hasPrefix("-"), "\(line)")
        }
        #expect(holds[0].contains("add: from @example.org; reason: Case A; until 2999-12-31"), "\(holds[0])")
        #expect(holds[3].contains("remove: ") && holds[3].contains("why: settled"), "\(holds[3])")
        let table = try Tools.run("brick-backup", ["runs", alice, "--format", "table"])
        #expect(table.stdout.contains("DETAIL") && table.stdout.contains("reason: Case B"), "\(table.stdout)")
    }

    @Test func badHoldArgumentsAreRefusedWithOneLine() throws {
        let work = try Workspace()
        #expect(try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]).status == 0)
        let noReason = try Tools.run("brick-backup", ["hold", "add", "alice", "--store", work.store.path])
        #expect(noReason.status == 2)
        let past = try Tools.run("brick-backup", ["hold", "add", "alice", "--reason", "x", "--until", "2000-01-01", "--store", work.store.path])
        #expect(past.status == 2 && past.stderr.contains("in the past"), "\(past.stderr)")
        let nobody = try Tools.run("brick-backup", ["hold", "add", "zed", "--reason", "x", "--store", work.store.path])
        #expect(nobody.status != 0 && nobody.stderr.contains("no store for user zed"), "\(nobody.stderr)")
        let noUsers = try Tools.run("brick-backup", ["hold", "add", "--reason", "x", "--store", work.store.path])
        #expect(noUsers.status == 2, "\(noUsers.stderr)")
    }

    @Test func holdsTravelInBundlesToTheReplica() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        try site.backup(["alice"])
        let store = site.work.store.path
        #expect(try Tools.run("brick-backup", ["hold", "add", "alice", "--reason", "Case A", "--sender", "@example.org", "--store", store]).status == 0)
        try site.export()
        #expect(try site.importing([site.bundles.path]).status == 0)
        #expect(try site.differences("alice").isEmpty)
        let replicaHolds = try Tools.run("brick-backup", ["hold", "list", "--store", site.replica.path, "--format", "csv"])
        #expect(replicaHolds.stdout.contains("alice,1,") && replicaHolds.stdout.contains("Case A"), "\(replicaHolds.stdout)")
        // Removing it reaches the replica with the next bundle.
        #expect(try Tools.run("brick-backup", ["hold", "remove", "alice", "--store", store]).status == 0)
        try site.export()
        #expect(try site.importing([site.bundles.path]).status == 0)
        #expect(try site.differences("alice").isEmpty)
        let after = try Tools.run("brick-backup", ["hold", "list", "--store", site.replica.path, "--format", "csv"])
        #expect(!after.stdout.contains("Case A"), "\(after.stdout)")
    }
}
