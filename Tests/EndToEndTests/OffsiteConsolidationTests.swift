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
    /// A replica that applied part of a folded range (here 2 to 4 of 2 … 5) takes the
    /// consolidated bundle: it names the digest of every bundle it folded, so the
    /// replica's last one is found among them, and the rest is applied. Folder rows of
    /// bundles the replica had come again: the one of bundle 2 names the path that a
    /// new folder took in bundle 4.
    @Test func aReplicaInsideTheFoldedRangeAppliesTheRest() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let root = site.work.maildir("alice")
        let mail = MaildirChanges(root: root)
        let night = {
            try site.backup()
            try site.export()
        }
        try night()
        try mail.renameFolder(".Archive.2025.Q1", ".Old")
        try mail.addMessage(name: "1800000001.M1P1.fold", subject: "second night")
        try night()
        try mail.renameFolder(".Old", ".Older")
        try night()
        for part in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(".Old/\(part)"), withIntermediateDirectories: true)
        }
        try mail.addMessage(name: "1800000002.M2P1.fold", subject: "a new folder with an old name", in: ".Old")
        try night()
        let inbox = try mail.messages()
        try mail.setFlags(inbox[0], "FS")
        try mail.remove(inbox[1])
        try night()

        let chain = try BundleDirectory.chain(in: site.bundles, user: "alice").bundles
        try #require(chain.count == 5)
        let first = try site.importing(chain[0...3].map(\.url.path))
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let folded = site.work.url.appendingPathComponent("folded")
        try consolidate(Array(chain[1...]), into: folded)
        let bundle = folded.appendingPathComponent("alice/0000000005.bundle")
        #expect(try BundleFileInfo.read(bundle).header.foldedDigests.count == 4)

        let rest = try site.importing([bundle.path])
        #expect(rest.status == 0 && rest.stdout.contains("consolidated"), "\(rest.stdout)\(rest.stderr)")
        let differences = try site.differences("alice")
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        let verify = try Tools.run("brick-backup", ["verify", site.replica.appendingPathComponent("alice").path, "--progress", "never"])
        #expect(verify.status == 0 && verify.stdout.contains("0 orphans"), "\(verify.stdout)")

        // Imported again: the replica, now at 5, finds it applied.
        let again = try site.importing([bundle.path])
        #expect(again.status == 0 && again.stdout.contains("already applied"), "\(again.stdout)\(again.stderr)")
    }

    /// A consolidated bundle that does not name the replica's last bundle among those it
    /// folded (here the replica follows another target's chain of the same store, whose
    /// first bundle is full at the second night) is
    /// refused with one line saying what to do, and the replica is unchanged.
    @Test func aReplicaInsideTheFoldedRangeOfAnotherChainRefusesIt() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        let other = site.work.url.appendingPathComponent("other")
        let exportOther = {
            let result = try Tools.run("brick-backup", [
                "export", "--target", "other", "--to", other.path, "--store", site.work.store.path, "--no-encrypt", "--progress", "never",
            ])
            #expect(result.status == 0, "\(result.stderr)")
        }
        try site.backup()
        try site.export()
        try mail.addMessage(name: "1800000001.M1P1.other", subject: "second night")
        try site.backup()
        try site.export()
        try exportOther()
        try mail.addMessage(name: "1800000002.M2P1.other", subject: "third night")
        try site.backup()
        try exportOther()
        try site.export()
        #expect(try site.importing([other.path]).status == 0)
        let before = try Tools.run("brick-backup", ["index", site.replica.appendingPathComponent("alice").path, "--deleted", "yes"])

        let chain = try BundleDirectory.chain(in: site.bundles, user: "alice").bundles
        let folded = site.work.url.appendingPathComponent("folded")
        try consolidate(Array(chain[1...]), into: folded)
        let refused = try site.importing([folded.appendingPathComponent("alice/0000000003.bundle").path])
        #expect(refused.status == 4, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("folds sequences 2 to 3 and the replica is at 2"), "\(refused.stderr)")
        #expect(refused.stderr.contains("export --full"), "\(refused.stderr)")
        let after = try Tools.run("brick-backup", ["index", site.replica.appendingPathComponent("alice").path, "--deleted", "yes"])
        #expect(after.stdout == before.stdout && after.status == 0, "the replica is unchanged")
    }
}
