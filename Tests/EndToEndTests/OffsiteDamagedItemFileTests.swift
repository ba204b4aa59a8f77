import Foundation
import Testing

/// Export meets a damaged item file: its value thread names the file, which reads the
/// catalog, while the thread reading catalog rows waits to hand over more items.
@Suite struct OffsiteDamagedItemFileTests {
    @Test(.timeLimit(.minutes(2)))
    func exportOfAStoreWithADamagedItemFileStopsNamingTheFileAndWritesNoBundle() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        try site.backup()
        let alice = site.work.store.appendingPathComponent("alice")
        let inbox = try #require(try ItemFilePages.folderDirectory(alice, path: "INBOX")).appendingPathComponent("items.db")
        try ItemFilePages.flipOneByteInEachPageButTheFirst(of: inbox)

        let arguments = ["export", "--target", "offsite", "--to", site.bundles.path, "--store", site.work.store.path,
                         "--progress", "never", "--no-encrypt"]
        let failed = try Tools.run("brick-backup", arguments)
        #expect(failed.status != 0, "\(failed.stdout)\(failed.stderr)")
        #expect(failed.stderr.contains("items.db is damaged"), "\(failed.stderr)")
        #expect(try site.bundleFiles("alice").isEmpty)

        let again = try Tools.run("brick-backup", arguments)
        #expect(again.status == failed.status, "the cursor did not move: the export is tried again and fails the same way")
        #expect(try site.bundleFiles("alice").isEmpty)
    }
}
