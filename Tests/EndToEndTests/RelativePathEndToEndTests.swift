import Foundation
import Testing

/// Paths typed relative to the working directory, one component long (`--to eml:out`),
/// work like absolute ones for every file target and for the store itself.
@Suite struct RelativePathEndToEndTests {
    @Test(arguments: ["eml:out", "maildir:out", "mbox:out.mbox", "eml:."])
    func aRestoreToAOneComponentRelativeTargetWritesThere(target: String) throws {
        let work = try Workspace()
        let backup = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", "store"], directory: work.url)
        #expect(backup.status == 0, "\(backup.stderr)")
        let restore = try Tools.run("brick-restore", ["store/alice", "--folder", "INBOX", "--to", target, "--progress", "never"], directory: work.url)
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        let name = String(target.split(separator: ":")[1])
        let written = (FileManager.default.enumerator(atPath: work.url.path)?.allObjects.compactMap { $0 as? String } ?? [])
            .filter { !$0.hasPrefix("store") && !$0.hasPrefix("maildir") }
        let below = written.filter { name == "." || $0 == name || $0.hasPrefix(name + "/") }
        #expect(!below.isEmpty, "nothing written for \(target)")
        if name.hasSuffix(".mbox") {
            let size = try FileManager.default.attributesOfItem(atPath: work.url.appendingPathComponent(name).path)[.size] as? Int
            #expect((size ?? 0) > 0)
        } else {
            #expect(below.count > 1, "only \(below) for \(target)")
        }
    }
}
