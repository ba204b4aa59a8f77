import Foundation
import Testing

/// `brick-backup repair` with the built executables: a lost item file and a truncated
/// catalog, each repaired so that verify passes and every message is listed again.
@Suite(.serialized) struct RepairEndToEndTests {
    @Test func lostItemFileIsRepairedAndTheNextBackupFetchesItsMessagesAgain() throws {
        let work = try Workspace()
        let alice = work.store.appendingPathComponent("alice")
        let backup = ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]
        #expect(try Tools.run("brick-backup", backup).status == 0)
        let everything = try index(alice)
        let inboxFile = try #require(try ItemFilePages.folderDirectory(alice, path: "INBOX")).appendingPathComponent("items.db")
        try FileManager.default.removeItem(at: inboxFile)
        let inboxCount = everything.filter { $0.folder == "INBOX" }.count

        let broken = try Tools.run("brick-backup", ["verify", alice.path, "--progress", "never"])
        #expect(broken.status == 4)
        let repair = try Tools.run("brick-backup", ["repair", alice.path])
        #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
        #expect(repair.stdout.contains("removed \(inboxCount) items whose bytes are gone: \(inboxCount) will be fetched again"))
        let again = try Tools.run("brick-backup", backup)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try index(alice).map(\.key).sorted() == everything.map(\.key).sorted())
        let verify = try Tools.run("brick-backup", ["verify", alice.path, "--progress", "never"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(try Tools.run("brick-backup", ["repair", alice.path]).stdout.contains("nothing to repair"))
    }

    @Test func truncatedCatalogMakesVerifyExit4AndRepairRebuildsIt() throws {
        let work = try Workspace()
        let alice = work.store.appendingPathComponent("alice")
        let backup = ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]
        #expect(try Tools.run("brick-backup", backup).status == 0)
        let everything = try index(alice)
        let catalog = alice.appendingPathComponent("catalog.sqlite")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: catalog.path)[.size] as? Int)
        #expect(truncate(catalog.path, off_t(size / 2)) == 0)

        let broken = try Tools.run("brick-backup", ["verify", alice.path, "--progress", "never"])
        #expect(broken.status == 4, "\(broken.stdout)\(broken.stderr)")
        #expect(broken.stderr.contains("repair") && broken.stderr.split(separator: "\n").count == 1)
        let repair = try Tools.run("brick-backup", ["repair", alice.path])
        #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
        #expect(repair.stdout.contains("rebuilt from the item values"))
        let names = try FileManager.default.contentsOfDirectory(atPath: alice.path)
        #expect(names.contains { $0.hasPrefix("catalog.sqlite.damaged-") })

        let rebuilt = try index(alice)
        #expect(rebuilt.map(\.key).sorted() == everything.map(\.key).sorted())
        let byKey = Dictionary(everything.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for item in rebuilt {
            let before = try #require(byKey[item.key])
            #expect(item.folder == before.folder && item.subject == before.subject && item.from == before.from, "\(item.key)")
        }
        let verify = try Tools.run("brick-backup", ["verify", alice.path, "--progress", "never"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        // The next backup compares every folder in full and finds nothing new.
        let next = try Tools.run("brick-backup", backup)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try index(alice).count == everything.count)
    }
}
