import BrickTestSupport
import Foundation
import Testing

/// Off-site copies on a disk that fills up: an export whose bundle directory is full,
/// an import whose replica's disk is full, and a consolidation of bundles on a full
/// disk. Each ends with one error line naming the lack of space and a non-zero exit,
/// leaves nothing half-written that looks whole, and the same command run again once
/// space is back completes, with the replica equal to the primary
/// (docs/RELIABILITY.md, "Store and disk").
@Suite(.serialized, .enabled(if: ScratchMount.unavailableReason == nil, "\(ScratchMount.unavailableReason ?? "")"))
struct OffsiteDiskFullTests {
    /// Room left on a full scratch disk: less than either test's bundle.
    private static let roomLeft: Int64 = 256 << 10

    @Test func anExportOntoAFullDiskFailsWithOneLineAndARerunWritesTheSameBundle() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        try Self.addIncompressibleMail(to: site.work.maildir("alice"), count: 12)
        try site.backup()
        let mount = try ScratchMount(.tmpfs(megabytes: 8))
        let bundles = mount.url.appendingPathComponent("bundles")
        try mount.fill(leaving: Self.roomLeft)

        let failed = try export(site, to: bundles)
        #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
        let errors = failed.stderr.split(separator: "\n").filter { $0.lowercased().contains("no space left") }
        #expect(errors.count == 1, "\(failed.stderr)")
        #expect(errors.first?.contains("alice") == true, "\(failed.stderr)")
        #expect(try Self.files(in: bundles.appendingPathComponent("alice")).isEmpty, "a failed export left files behind")
        #expect(!failed.stdout.contains("SEQUENCE"), "a table without rows: \(failed.stdout)")

        mount.release()
        let rerun = try export(site, to: bundles)
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        let written = try Self.files(in: bundles.appendingPathComponent("alice"))
        #expect(written.count == 1 && written.first?.hasPrefix("0000000001") == true, "the cursor moved past a bundle never written: \(written)")

        let imported = try site.importing([bundles.path])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let differences = try site.differences("alice")
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    @Test func anImportOntoAFullDiskFailsWithOneLineKeepsTheReplicaAndARerunCompletesIt() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        try site.backup()
        try site.export()
        let mount = try ScratchMount(.tmpfs(megabytes: 16))
        let replica = mount.url.appendingPathComponent("replica")
        let first = try site.importing([site.bundles.path], into: replica)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")

        try Self.addIncompressibleMail(to: site.work.maildir("alice"), count: 12)
        try site.backup()
        try site.export()
        try mount.fill(leaving: Self.roomLeft)
        let failed = try site.importing([site.bundles.path], into: replica)
        #expect(failed.status != 0, "\(failed.stdout)\(failed.stderr)")
        let errors = failed.stderr.split(separator: "\n").filter { $0.lowercased().contains("no space left") }
        #expect(errors.count == 1, "\(failed.stderr)")
        #expect(errors.first?.contains("alice") == true, "\(failed.stderr)")
        let verifyFull = try Tools.run("brick-backup", ["verify", replica.appendingPathComponent("alice").path, "--progress", "never"])
        #expect(verifyFull.status == 0, "\(verifyFull.stdout)\(verifyFull.stderr)")

        mount.release()
        let rerun = try site.importing([site.bundles.path], into: replica)
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        let differences = try site.differences("alice", replica: replica)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        let verify = try Tools.run("brick-backup", ["verify", replica.appendingPathComponent("alice").path, "--progress", "never"])
        #expect(verify.status == 0 && verify.stdout.contains("0 orphans"), "\(verify.stdout)\(verify.stderr)")
    }

    @Test func aConsolidationOnAFullDiskFailsWithOneLineAndLeavesTheOldChain() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mount = try ScratchMount(.tmpfs(megabytes: 8))
        let bundles = mount.url.appendingPathComponent("bundles")
        for round in 0..<3 {
            try Self.addIncompressibleMail(to: site.work.maildir("alice"), count: 2, first: round * 2)
            try site.backup()
            let exported = try export(site, to: bundles)
            #expect(exported.status == 0, "\(exported.stdout)\(exported.stderr)")
        }
        let before = try Self.sizes(in: bundles.appendingPathComponent("alice"))
        #expect(before.count == 3)
        try mount.fill(leaving: Self.roomLeft)

        let failed = try Tools.run("brick-backup", ["bundles", "consolidate", bundles.path, "--keep-daily", "1"])
        #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
        let errors = failed.stderr.split(separator: "\n").filter { $0.lowercased().contains("no space left") }
        #expect(errors.count == 1 && errors.first?.contains("alice") == true, "\(failed.stderr)")
        #expect(try Self.sizes(in: bundles.appendingPathComponent("alice")) == before, "the old chain changed")
        let verify = try Tools.run("brick-backup", ["bundles", "verify", bundles.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

        mount.release()
        let rerun = try Tools.run("brick-backup", ["bundles", "consolidate", bundles.path, "--keep-daily", "1"])
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        #expect(try Self.files(in: bundles.appendingPathComponent("alice")) == ["0000000003.bundle"])
        let imported = try site.importing([bundles.path])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let differences = try site.differences("alice")
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    private func export(_ site: OffsiteWorkspace, to directory: URL) throws -> Tools.Result {
        try Tools.run("brick-backup", [
            "export", "--target", "offsite", "--to", directory.path, "--store", site.work.store.path, "-u", "alice",
            "--no-encrypt", "--progress", "never",
        ])
    }

    /// Files in `directory`, hidden ones included; none when it does not exist.
    private static func files(in directory: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    /// Each file of `directory` with its size.
    private static func sizes(in directory: URL) throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        for name in try files(in: directory) {
            sizes[name] = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.size] as? Int
        }
        return sizes
    }

    /// Adds `count` messages of about 150 KB of base64 random bytes (which LZ4 barely
    /// shrinks) to the Maildir's new/, numbered from `first`.
    private static func addIncompressibleMail(to maildir: URL, count: Int, first: Int = 0) throws {
        var generator = SystemRandomNumberGenerator()
        for index in first..<(first + count) {
            let random = (0..<112_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let body = Data(random).base64EncodedString(options: .lineLength76Characters)
            let message = "From: big@example.org\r\nSubject: attachment \(index)\r\nMessage-ID: <big\(index)@e2e>\r\n\r\n\(body)\r\n"
            try Data(message.utf8).write(to: maildir.appendingPathComponent("new/1800001\(index).M\(index)P1.full"))
        }
    }
}
