import Foundation
import Testing

/// A bundle lost on its way (an export to standard output whose reader died after the
/// whole stream was written: the cursor moved): the next import names the missing
/// sequence and the way out, a full export; the directory import then applies the full
/// bundle after the refused one and goes on from it, later imports of the same
/// directory call the bundle it made obsolete superseded, not refused, and a
/// consolidation folds the broken part of the chain away (the full bundle inside the
/// range makes the result full).
@Suite struct OffsiteLostBundleTests {
    @Test func aLostBundleIsReplacedByAFullExportAndLaterImportsCallTheStaleOneSuperseded() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        try site.export()
        try mail.addMessage(name: "1800000101.M1P1.lost", subject: "in the lost bundle")
        try site.backup()
        let piped = try Tools.run("brick-backup", [
            "export", "--target", "offsite", "--to", "-", "--store", site.work.store.path, "--no-encrypt", "--progress", "never",
        ])
        #expect(piped.status == 0, "\(piped.stderr)")
        try mail.addMessage(name: "1800000102.M2P1.lost", subject: "after the lost bundle")
        try site.backup()
        try site.export()

        let gap = try site.importing([site.bundles.path])
        #expect(gap.status == 4, "\(gap.stdout)\(gap.stderr)")
        #expect(gap.stderr.contains("sequence 2 is missing") && gap.stderr.contains("--full"), "\(gap.stderr)")

        try site.export(["--full"])
        try mail.addMessage(name: "1800000103.M3P1.lost", subject: "after the full bundle")
        try site.backup()
        try site.export()
        let recovered = try site.importing([site.bundles.path])
        #expect(recovered.status == 4, "bundle 3 is still refused in this run: \(recovered.stdout)\(recovered.stderr)")
        let alice = try Self.statuses(recovered.stdout)
        #expect(alice == ["1": "already applied", "3": "refused", "4": "applied", "5": "applied"], "\(recovered.stdout)")
        let differences = try site.differences("alice")
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")

        let again = try site.importing([site.bundles.path])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try Self.statuses(again.stdout)["3"] == "superseded (replica at 5)", "\(again.stdout)")
        #expect(try Self.statuses(again.stdout).values.filter { $0 == "already applied" }.count == 3, "\(again.stdout)")

        let broken = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(broken.status == 4 && broken.stdout.contains("0000000003.bundle: broken chain"), "\(broken.stdout)\(broken.stderr)")
        let folded = try Tools.run("brick-backup", ["bundles", "consolidate", site.bundles.path, "--keep-daily", "1"])
        #expect(folded.status == 0, "\(folded.stdout)\(folded.stderr)")
        let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let fresh = site.work.url.appendingPathComponent("fresh")
        let rebuilt = try site.importing([site.bundles.path], into: fresh)
        #expect(rebuilt.status == 0, "\(rebuilt.stdout)\(rebuilt.stderr)")
        #expect(try site.differences("alice", replica: fresh).isEmpty)
        let followed = try site.importing([site.bundles.path])
        #expect(followed.status == 0 && followed.stdout.contains("already applied"), "\(followed.stdout)\(followed.stderr)")
    }

    /// Alice's rows of an import summary: sequence to status.
    private static func statuses(_ summary: String) throws -> [String: String] {
        var statuses: [String: String] = [:]
        for line in summary.split(separator: "\n").dropFirst() where line.hasPrefix("alice ") {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            let status = try #require(line.range(of: "  ", options: .backwards)).upperBound
            statuses[String(columns[1])] = String(line[status...]).trimmingCharacters(in: .whitespaces)
        }
        return statuses
    }
}
