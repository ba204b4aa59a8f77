import Foundation
import Testing

/// `brick-backup bundles list` and `bundles verify` on a directory of bundles, without
/// the store.
@Suite(.serialized) struct BundlesEndToEndTests {
    @Test func aSoundChainIsListedInOrderAndVerifies() throws {
        let site = try OffsiteWorkspace.chainOfThree(tag: "chain")
        let list = try Tools.run("brick-backup", ["bundles", "list", site.bundles.path])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n").dropFirst()
        let rows = lines.filter { $0.hasPrefix("alice") }
        #expect(rows.count == 3 && rows.allSatisfy { $0.hasSuffix("ok") && $0.contains("NONE") }, "\(list.stdout)")
        #expect(lines.last == "3 bundles are not encrypted")
        #expect(rows.first?.contains("full") == true && rows.last?.contains("incremental") == true)
        let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(verify.status == 0 && verify.stdout.contains("3 bundles checked (3 read whole): 0 damaged"), "\(verify.stdout)")
    }

    @Test func aFlippedByteIsNamedByBundleAndRecordAndExitsFour() throws {
        let site = try OffsiteWorkspace.chainOfThree(tag: "chain")
        let file = try site.bundleFiles("alice")[1]
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: file)
        let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(verify.status == 4, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("\(file.lastPathComponent): record") || verify.stdout.contains("\(file.lastPathComponent): bytes"), "\(verify.stdout)")
        // list reads each bundle's header and end only: damage inside is verify's to find,
        // a damaged end it sees.
        let list = try Tools.run("brick-backup", ["bundles", "list", site.bundles.path])
        #expect(list.status == 0 && !list.stdout.contains("damaged"), "\(list.stdout)")
        let last = try site.bundleFiles("alice")[2]
        var end = try Data(contentsOf: last)
        end[end.count - 60] ^= 0x10
        try end.write(to: last)
        let listed = try Tools.run("brick-backup", ["bundles", "list", site.bundles.path])
        #expect(listed.stdout.contains("damaged"), "\(listed.stdout)")
    }

    @Test func aMissingBundleBreaksTheChain() throws {
        let site = try OffsiteWorkspace.chainOfThree(tag: "chain")
        try FileManager.default.removeItem(at: try site.bundleFiles("alice")[1])
        let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(verify.status == 4, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("0000000003.bundle: broken chain: sequence 2 is missing"), "\(verify.stdout)")
    }

    @Test func aDataSubsetReadsWholeOnlyItsShareOfTheBundles() throws {
        let site = try OffsiteWorkspace.chainOfThree(tag: "chain")
        let file = try site.bundleFiles("alice")[0]
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: file)
        let other = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path, "--read-data-subset", "2/3"])
        #expect(other.status == 0 && other.stdout.contains("(1 read whole)"), "\(other.stdout)")
        let first = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path, "--read-data-subset", "1/3"])
        #expect(first.status == 4 && first.stdout.contains(file.lastPathComponent), "\(first.stdout)")
        let bad = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path, "--read-data-subset", "4/3"])
        #expect(bad.status == 2, "\(bad.stderr)")
    }
}
