import Foundation
import Testing

/// `import DIR` takes a bundle root (DIR/<user>/…) or one user's directory of bundles,
/// and refuses a directory holding neither instead of ending with nothing applied.
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
}
