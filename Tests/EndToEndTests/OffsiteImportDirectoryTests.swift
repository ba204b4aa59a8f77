import Foundation
import Testing

/// `import DIR` and `bundles list|verify|consolidate DIR` take a bundle root
/// (DIR/<user>/…) or one user's directory of bundles, and refuse a directory holding
/// neither instead of ending with nothing done.
@Suite struct OffsiteImportDirectoryTests {
    @Test func importOfAUsersOwnBundleDirectoryBuildsTheReplica() throws {
        let work = try Workspace()
        let site = OffsiteWorkspace(work: work)
        try site.backup(["alice"])
        try site.export()
        let imported = try site.importing([site.bundles.appendingPathComponent("alice").path])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        #expect(try site.differences("alice").isEmpty)
    }

    @Test func importOfADirectoryWithoutBundlesFailsWithOneLineAndCreatesNoReplica() throws {
        let work = try Workspace()
        let site = OffsiteWorkspace(work: work)
        let empty = work.url.appendingPathComponent("nothing-here/alice")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        for source in [empty.path, empty.deletingLastPathComponent().path] {
            let result = try site.importing([source])
            #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("no bundles in"), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: site.replica.appendingPathComponent("alice").path))
    }

    @Test func bundlesCommandsReadAUsersOwnDirectoryAndRefuseOneWithoutBundles() throws {
        let work = try Workspace()
        let site = OffsiteWorkspace(work: work)
        try site.backup(["alice"])
        try site.export()
        let own = site.bundles.appendingPathComponent("alice").path
        let list = try Tools.run("brick-backup", ["bundles", "list", own])
        #expect(list.status == 0 && list.stdout.contains("alice") && list.stdout.contains("ok"), "\(list.stdout)\(list.stderr)")
        let verify = try Tools.run("brick-backup", ["bundles", "verify", own])
        #expect(verify.status == 0 && verify.stdout.contains("1 bundles checked"), "\(verify.stdout)\(verify.stderr)")
        let empty = work.url.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        for command in [["list"], ["verify"], ["consolidate", "--keep-daily", "7"]] {
            let result = try Tools.run("brick-backup", ["bundles"] + command + [empty.path])
            #expect(result.status == 2 && result.stderr.contains("no bundles in"), "\(command): \(result.stdout)\(result.stderr)")
        }
    }
}
