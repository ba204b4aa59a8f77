import BrickBundle
import Foundation
import Testing

/// Bundle format 2 through the commands: export writes it, `bundles verify` and
/// `import` read it and the format-1 bundles older Bricks wrote, and refuse a format
/// they do not know (docs/FORMAT.md §8).
@Suite(.serialized) struct BundleFormatEndToEndTests {
    /// Each record's start, type and payload length in a plain bundle's bytes.
    static func records(_ bytes: [UInt8]) -> [(start: Int, index: Int, type: Int, length: Int)] {
        func number(_ offset: Int, _ count: Int) -> Int {
            (0..<count).reversed().reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
        }
        let sumSize = number(8, 2) >= 2 ? 16 : 32
        var offset = 14 + number(10, 4) + 32
        var found: [(start: Int, index: Int, type: Int, length: Int)] = []
        while offset + 28 <= bytes.count, Array(bytes[offset..<offset + 4]) == Array("BRKR".utf8) {
            found.append((offset, number(offset + 8, 8), number(offset + 4, 2), number(offset + 16, 8)))
            offset += 28 + found.last!.length + sumSize
        }
        return found
    }

    /// Items of an `index --format json` listing, by what a replica must keep.
    static func items(_ json: Data) throws -> [String] {
        try JSONDecoder().decode([IndexedItem].self, from: json)
            .map { "\($0.folder)/\($0.key) \($0.flags.sorted()) \($0.sha256 ?? "") deleted=\($0.deleted != nil)" }.sorted()
    }

    @Test func versionOneBundlesOfAnOlderBrickVerifyAndImport() throws {
        let work = try Workspace()
        let fixtures = Tools.packageRoot.appendingPathComponent("Fixtures/bundle-format-1")
        let files = ["0000000001.bundle", "0000000002.bundle"].map { fixtures.appendingPathComponent("alice/\($0)") }
        #expect(try files.allSatisfy { try Data(contentsOf: $0)[8] == 1 }, "the fixture is bundle format 1")
        let verify = try Tools.run("brick-backup", ["bundles", "verify", fixtures.path])
        #expect(verify.status == 0 && verify.stdout.contains("2 bundles checked (2 read whole): 0 damaged"), "\(verify.stdout)\(verify.stderr)")
        let replica = work.url.appendingPathComponent("replica")
        let imported = try Tools.run("brick-backup", ["import", fixtures.path, "--store", replica.path, "--progress", "never"])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let store = replica.appendingPathComponent("alice")
        let checked = try Tools.run("brick-backup", ["verify", store.path, "--progress", "never"])
        #expect(checked.status == 0 && checked.stdout.contains("26 items"), "\(checked.stdout)\(checked.stderr)")
        let listed = try Tools.run("brick-backup", ["index", store.path, "--format", "json", "--deleted", "yes"])
        let expected = try Data(contentsOf: fixtures.appendingPathComponent("expected-index.json"))
        #expect(try Self.items(Data(listed.stdout.utf8)) == (try Self.items(expected)))
    }

    /// The chain digest a bundle file stands for, its records read and checked.
    static func chainDigest(_ url: URL) throws -> [UInt8]? {
        let reader = try #require(try BundleReader.next(from: BundleFileInput(url: url)))
        while try reader.nextRecord() != nil { try reader.skipPayload() }
        return reader.chainDigest
    }

    @Test func versionOneBundlesConsolidateIntoVersionTwoUnderTheSameChainDigest() throws {
        let work = try Workspace()
        let bundles = work.url.appendingPathComponent("bundles")
        try FileManager.default.copyItem(at: Tools.packageRoot.appendingPathComponent("Fixtures/bundle-format-1"), to: bundles)
        let last = bundles.appendingPathComponent("alice/0000000002.bundle")
        let digest = try Self.chainDigest(last)
        let folded = try Tools.run(
            "brick-backup", ["bundles", "consolidate", bundles.path, "--keep-daily", "1", "--keep-weekly", "0", "--keep-monthly", "0"])
        #expect(folded.status == 0 && folded.stdout.contains("folded 1 of 2 bundles"), "\(folded.stdout)\(folded.stderr)")
        #expect(!FileManager.default.fileExists(atPath: bundles.appendingPathComponent("alice/0000000001.bundle").path))
        #expect(try Data(contentsOf: last)[8] == 2, "the fold is written in bundle format 2")
        #expect(try Self.chainDigest(last) == digest, "it stands in for bundle 2 under bundle 2's chain digest")
        let verify = try Tools.run("brick-backup", ["bundles", "verify", bundles.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let replica = work.url.appendingPathComponent("replica")
        let imported = try Tools.run("brick-backup", ["import", bundles.path, "--store", replica.path, "--progress", "never"])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let listed = try Tools.run(
            "brick-backup", ["index", replica.appendingPathComponent("alice").path, "--format", "json", "--deleted", "yes"])
        let expected = try Data(contentsOf: Tools.packageRoot.appendingPathComponent("Fixtures/bundle-format-1/expected-index.json"))
        #expect(try Self.items(Data(listed.stdout.utf8)) == (try Self.items(expected)))
    }

    @Test func theVersionOneEncryptionVectorStillVerifies() throws {
        let work = try Workspace()
        let fixture = Tools.packageRoot.appendingPathComponent("Fixtures/bundle-encryption/plain.bundle")
        let info = try BundleFileInfo.read(fixture)
        let directory = work.url.appendingPathComponent("bundles").appendingPathComponent(info.header.user)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixture, to: directory.appendingPathComponent(String(format: "%010llu.bundle", info.header.sequence)))
        let verify = try Tools.run("brick-backup", ["bundles", "verify", work.url.appendingPathComponent("bundles").path])
        #expect(verify.status == 0 && verify.stdout.contains("1 bundles checked (1 read whole): 0 damaged"), "\(verify.stdout)\(verify.stderr)")
    }

    @Test func aFlippedByteInAVersionTwoValueIsNamedByVerifyAndRefusedByImport() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let (file, exported) = try site.firstExportedBundle()
        var bytes = exported
        #expect(bytes[8] == 2, "export writes bundle format 2")
        let value = try #require(Self.records(bytes).first { $0.type == 3 && $0.length > 100 })
        bytes[value.start + 28 + value.length / 2] ^= 0x08
        try Data(bytes).write(to: file)
        let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(verify.status == 4, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("\(file.path): record \(value.index) at byte \(value.start): checksum mismatch"), "\(verify.stdout)")
        let imported = try site.importing([site.bundles.path])
        #expect(imported.status == 4, "\(imported.stdout)\(imported.stderr)")
        #expect(imported.stderr.contains(file.lastPathComponent) && imported.stderr.contains("record \(value.index)"), "\(imported.stderr)")
        let listed = try Tools.run(
            "brick-backup", ["index", site.replica.appendingPathComponent("alice").path, "--format", "json", "--deleted", "yes"])
        let applied = listed.status == 0 ? try Self.items(Data(listed.stdout.utf8)) : []
        #expect(applied.isEmpty, "nothing of it was applied: \(listed.stdout)")
    }

    @Test func aVersionThreeBundleIsRefusedInOneLineNamingItAsNewerNotDamaged() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let (file, exported) = try site.firstExportedBundle()
        var bytes = exported
        bytes[8] = 3
        try Data(bytes).write(to: file)
        let verify = try Tools.run("brick-backup", ["bundles", "verify", site.bundles.path])
        #expect(verify.status == 2, "a Brick too old, not damage: \(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("\(file.path): bundle format 3 is newer than this Brick reads (1 to 2)"), "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("0 damaged or out of chain, 1 of a newer format"), "\(verify.stdout)")
        let listed = try Tools.run("brick-backup", ["bundles", "list", site.bundles.path])
        #expect(listed.status == 0 && listed.stdout.contains("newer format: not read") && !listed.stdout.contains("damaged"), "\(listed.stdout)")
        let imported = try site.importing([file.path])
        #expect(imported.status == 2, "\(imported.stdout)\(imported.stderr)")
        let lines = imported.stderr.split(separator: "\n")
        #expect(
            lines.count == 1 && lines[0].contains(file.lastPathComponent) && lines[0].contains("bundle format 3")
                && !lines[0].contains("damaged"), "\(imported.stderr)")
        let fromDirectory = try site.importing([site.bundles.path])
        #expect(fromDirectory.status == 2, "\(fromDirectory.stdout)\(fromDirectory.stderr)")
        let directoryLines = fromDirectory.stderr.split(separator: "\n")
        #expect(
            directoryLines.count == 1 && directoryLines[0].contains(file.path) && directoryLines[0].contains("bundle format 3"),
            "\(fromDirectory.stderr)")
    }
}
