import Foundation
import Testing

/// `bundles consolidate` of an encrypted chain: opened with --identity, the folded
/// bundle sealed with --encrypt-to; a recipient set that drops a key id of the chain is
/// refused unless allowed; every kept point rebuilds the same replica as before.
@Suite struct EncryptedConsolidationTests {
    private let policy = ["--keep-last", "2", "--keep-daily", "0", "--keep-weekly", "0", "--keep-monthly", "0"]

    private func consolidate(_ site: OffsiteWorkspace, _ directory: URL, _ extra: [String]) throws -> Tools.Result {
        try Tools.run("brick-backup", ["bundles", "consolidate", directory.path] + policy + extra)
    }

    @Test func anEncryptedChainIsFoldedAndSealedAndEveryKeptPointRebuildsTheSameReplica() throws {
        var keys: [String] = []
        let site = try OffsiteWorkspace.primaryWithFourExports { site in
            for name in ["operator.key", "escrow.key"] {
                let path = site.work.url.appendingPathComponent(name).path
                let made = try Tools.run("brick-backup", ["keygen", "--out", path])
                guard made.status == 0 else { throw OffsiteWorkspace.Failed(what: "keygen", result: made) }
                keys.append(path)
            }
            return ["--encrypt-to", keys[0] + ".pub", "--encrypt-to", keys[1] + ".pub"]
        }
        let (operatorKey, escrowKey) = (keys[0], keys[1])
        let original = site.work.url.appendingPathComponent("original-bundles")
        try FileManager.default.copyItem(at: site.bundles, to: original)
        let names = { try site.bundleFiles("alice").map(\.lastPathComponent) }

        let noKey = try consolidate(site, site.bundles, ["--encrypt-to", operatorKey + ".pub", "--encrypt-to", escrowKey + ".pub"])
        #expect(noKey.status == 1 && noKey.stderr.contains("no --identity for it"), "\(noKey.stderr)")
        let inClear = try consolidate(site, site.bundles, ["--identity", operatorKey])
        #expect(inClear.status == 1 && inClear.stderr.contains("give --encrypt-to for the folded bundle"), "\(inClear.stderr)")
        let dropping = try consolidate(site, site.bundles, ["--identity", operatorKey, "--encrypt-to", operatorKey + ".pub"])
        #expect(dropping.status == 1 && dropping.stderr.contains("would no longer be encrypted for key id"), "\(dropping.stderr)")
        #expect(dropping.stderr.split(separator: "\n").count == 2, "one line per user: \(dropping.stderr)")
        #expect(try names().count == 4, "a refusal changes nothing")

        let folded = try consolidate(
            site, site.bundles, ["--identity", operatorKey, "--encrypt-to", operatorKey + ".pub", "--encrypt-to", escrowKey + ".pub"])
        #expect(folded.status == 0, "\(folded.stdout)\(folded.stderr)")
        #expect(try names() == ["0000000003.bundle", "0000000004.bundle"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.bundles.appendingPathComponent("alice").path)
        #expect(!leftovers.contains { $0.hasPrefix(".") }, "\(leftovers)")
        let list = try Tools.run("brick-backup", ["bundles", "list", site.bundles.path])
        #expect(list.status == 0 && !list.stdout.contains("NONE") && !list.stdout.contains("not encrypted"), "\(list.stdout)")
        let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path, "--identity", escrowKey])
        #expect(verify.status == 0, "\(verify.stdout)")

        for point in ["3", "4"] {
            let before = site.work.url.appendingPathComponent("before-\(point)")
            let after = site.work.url.appendingPathComponent("after-\(point)")
            #expect(try site.importing([original.path], into: before, ["--until", point, "--identity", operatorKey]).status == 0)
            let imported = try site.importing([site.bundles.path], into: after, ["--until", point, "--identity", escrowKey])
            #expect(imported.status == 0, "\(imported.stderr)")
            for user in ["alice", "bob"] {
                let differences = try StoreComparison.differences(before.appendingPathComponent(user), after.appendingPathComponent(user))
                #expect(differences.isEmpty, "point \(point), \(user): \(differences.prefix(5))")
            }
        }
        #expect(try site.differences("alice", replica: site.work.url.appendingPathComponent("after-4")).isEmpty)

        // Told explicitly, the folded bundle may drop the escrow key.
        let narrowed = site.work.url.appendingPathComponent("narrowed")
        try FileManager.default.copyItem(at: original, to: narrowed)
        let allowed = try consolidate(
            site, narrowed, ["--identity", escrowKey, "--encrypt-to", operatorKey + ".pub", "--allow-dropping-recipients"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        let escrowOnly = try site.importing([narrowed.path], into: site.work.url.appendingPathComponent("escrow-only"), ["--identity", escrowKey])
        #expect(escrowOnly.status == 4, "the folded bundle is no longer for the escrow key: \(escrowOnly.stderr)")
        let operatorOnly = try site.importing(
            [narrowed.path], into: site.work.url.appendingPathComponent("operator-only"), ["--identity", operatorKey])
        #expect(operatorOnly.status == 0, "\(operatorOnly.stderr)")
    }
}
