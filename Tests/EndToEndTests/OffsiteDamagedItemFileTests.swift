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

/// Damage to the pages of an item file, as bit rot on disk would do it.
enum ItemFilePages {
    /// Flips one byte in the middle of every page after the metadata page, so that the
    /// first page any reader fetches fails its checksum.
    static func flipOneByteInEachPageButTheFirst(of file: URL, pageSize: Int = 16 * 1024) throws {
        var bytes = [UInt8](try Data(contentsOf: file))
        var page = 1
        while page * pageSize + pageSize / 2 < bytes.count {
            bytes[page * pageSize + pageSize / 2] ^= 0x5A
            page += 1
        }
        try Data(bytes).write(to: file)
    }

    /// The directory of the live folder at `path`, found through its `path` file.
    static func folderDirectory(_ userDirectory: URL, path: String) throws -> URL? {
        let folders = userDirectory.appendingPathComponent("folders")
        guard let walker = FileManager.default.enumerator(at: folders, includingPropertiesForKeys: nil) else { return nil }
        for case let file as URL in walker where file.lastPathComponent == "path" {
            if try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .newlines) == path {
                return file.deletingLastPathComponent()
            }
        }
        return nil
    }
}
