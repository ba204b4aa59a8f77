import Foundation
import Testing

/// `import --until` and `import --keep-purged`.
@Suite(.serialized) struct OffsiteImportOptionsTests {
    @Test func untilASequenceBuildsTheReplicaOfThatPoint() throws {
        let site = try OffsiteWorkspace.primaryWithFourExports()
        let until = try site.importing([site.bundles.path], ["--until", "2"])
        #expect(until.status == 0, "\(until.stdout)\(until.stderr)")
        let statuses = until.stdout.split(separator: "\n").filter { $0.hasPrefix("alice") }.map { $0.hasSuffix("not applied (--until)") }
        #expect(statuses == [false, false, true, true], "\(until.stdout)")
        // The same point built from the first two files alone.
        let pointTwo = site.work.url.appendingPathComponent("point-two")
        let files = try site.bundleFiles("alice").prefix(2).map(\.path)
        #expect(try site.importing(files, into: pointTwo).status == 0)
        let differences = try StoreComparison.differences(
            pointTwo.appendingPathComponent("alice"), site.replica.appendingPathComponent("alice"))
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        #expect(try !site.differences("alice").isEmpty)
        // Later, the rest of the chain brings it to the primary's state.
        #expect(try site.importing([site.bundles.path]).status == 0)
        #expect(try site.differences("alice").isEmpty)
    }

    @Test func untilADateAppliesTheBundlesCreatedByTheEndOfThatDay() throws {
        let site = try OffsiteWorkspace.primaryWithFourExports()
        let before = try site.importing([site.bundles.path], ["--until", "2000-01-01"])
        #expect(before.status == 0 && !before.stdout.contains("  applied"), "\(before.stdout)")
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        let today = try site.importing([site.bundles.path], ["--until", formatter.string(from: Date())])
        #expect(today.status == 0 && !today.stdout.contains("--until"), "\(today.stdout)")
        #expect(try site.differences("alice").isEmpty)
    }

    @Test func keepPurgedKeepsWhatThePrimaryPurgedAndVerifies() throws {
        let site = try OffsiteWorkspace.primaryWithFourExports()
        let result = try site.importing([site.bundles.path], ["--keep-purged"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let primary = try index(site.work.store.appendingPathComponent("alice"), ["--deleted", "yes"])
        let replica = try index(site.replica.appendingPathComponent("alice"), ["--deleted", "yes"])
        let kept = Set(replica.map { "\($0.folder)|\($0.key)" })
        #expect(Set(primary.map { "\($0.folder)|\($0.key)" }).isSubset(of: kept))
        #expect(replica.contains { $0.folder == "Drafts" && $0.deleted != nil }, "the purged folder's items are kept, marked deleted")
        #expect(Set(replica.filter { $0.deleted == nil }.map(\.key)) == Set(primary.filter { $0.deleted == nil }.map(\.key)))
        #expect(replica.count > primary.count)
        let verify = try Tools.run("brick-backup", ["verify", site.replica.appendingPathComponent("alice").path, "--progress", "never"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test func keepPurgedKeepsAnItemWhoseIdThePrimaryGaveToANewOne() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        try site.export()
        try mail.addMessage(name: "1800000001.M1P1.reused", subject: "purged upstream")
        try site.backup()
        try site.export()
        try FileManager.default.removeItem(at: site.work.maildir("alice").appendingPathComponent("new/1800000001.M1P1.reused"))
        try site.backup()
        try site.purge()
        try mail.addMessage(name: "1800000002.M1P1.reused", subject: "took its id")
        try site.backup()
        try site.export()
        let result = try site.importing([site.bundles.path], ["--keep-purged"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let replica = try index(site.replica.appendingPathComponent("alice"), ["--deleted", "yes"])
        #expect(replica.contains { $0.key == "1800000001.M1P1.reused" && $0.deleted != nil })
        #expect(replica.contains { $0.key == "1800000002.M1P1.reused" && $0.deleted == nil })
        let verify = try Tools.run("brick-backup", ["verify", site.replica.appendingPathComponent("alice").path, "--progress", "never"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test func aFullBundleOnAReplicaReplacesItsContent() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        try site.export()
        #expect(try site.importing([site.bundles.path]).status == 0)
        // Changes and a purge the replica only learns of through a full bundle.
        try mail.remove(try mail.messages()[0])
        try mail.removeFolder(".Drafts")
        try mail.renameFolder(".Archive.2025.Q1", ".Elsewhere.Q1")
        try site.backup()
        try site.purge()
        let full = try site.export(["--full"])
        #expect(full.stdout.contains("full"), "\(full.stdout)")
        let files = try site.bundleFiles("alice")
        let result = try site.importing([files.last!.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let differences = try site.differences("alice")
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        let verify = try Tools.run("brick-backup", ["verify", site.replica.appendingPathComponent("alice").path, "--progress", "never"])
        #expect(verify.status == 0 && verify.stdout.contains("0 orphans"), "\(verify.stdout)")
    }
}
