import Foundation
import Testing

/// A primary whose catalog `repair` rebuilt keeps its identity and its targets'
/// sequence numbers (the `export-cursors` file): its next export is a full bundle that
/// the replica applies after its last one.
@Suite struct OffsiteAfterRepairTests {
    @Test func aReplicaAcceptsTheFirstBundleAfterTheCatalogWasRebuilt() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        try site.export()
        try mail.addMessage(name: "1800000001.M1P1.before", subject: "before the repair")
        try site.backup()
        try site.export()
        let first = try site.importing([site.bundles.path])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")

        let alice = site.work.store.appendingPathComponent("alice")
        let cursors = try String(contentsOf: alice.appendingPathComponent("export-cursors"), encoding: .utf8)
        #expect(cursors.contains("target\t2\t"), "\(cursors)")
        for suffix in ["", "-wal", "-shm"] { unlink(alice.appendingPathComponent("catalog.sqlite" + suffix).path) }
        let repair = try Tools.run("brick-backup", ["repair", alice.path])
        #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
        #expect(repair.stdout.contains("the next export to offsite writes a full bundle"), "\(repair.stdout)")

        let inbox = try mail.messages()
        try mail.setFlags(inbox[0], "FS")
        try mail.remove(inbox[1])
        try mail.addMessage(name: "1800000002.M2P1.after", subject: "after the repair")
        try site.backup()
        let exported = try site.export()
        #expect(exported.stdout.contains("full"), "\(exported.stdout)")
        #expect(try site.bundleFiles("alice").count == 3)

        let items = try site.importAndCompareAlice()
        #expect(items.contains { $0.subject == "after the repair" })
        #expect(items.contains { $0.subject == "before the repair" })

        // The chain goes on incrementally from the full bundle.
        try mail.addMessage(name: "1800000003.M3P1.later", subject: "a night later")
        try site.backup()
        try site.export()
        let list = try Tools.run("brick-backup", ["bundles", "list", site.bundles.path])
        #expect(list.stdout.contains("incremental"), "\(list.stdout)")
        _ = try site.importAndCompareAlice()
    }

    @Test func aBundleWrittenBeforeTheCursorMovedIsAdoptedAndTheNextExportStaysFull() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        try site.backup()
        try site.export()
        let alice = site.work.store.appendingPathComponent("alice")
        let saved = try Data(contentsOf: alice.appendingPathComponent("export-cursors"))
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try mail.addMessage(name: "1800000001.M1P1.killed", subject: "exported, cursor not moved")
        try site.backup()
        try site.export()
        // As if the export had been killed after its bundle was renamed into place.
        try saved.write(to: alice.appendingPathComponent("export-cursors"))
        #expect(try site.importing([site.bundles.path]).status == 0)

        for suffix in ["", "-wal", "-shm"] { unlink(alice.appendingPathComponent("catalog.sqlite" + suffix).path) }
        #expect(try Tools.run("brick-backup", ["repair", alice.path]).status == 0)
        try mail.addMessage(name: "1800000002.M2P1.after", subject: "after the repair")
        try site.backup()
        let exported = try site.export()
        #expect(exported.stderr.contains("was kept as it was"), "\(exported.stderr)")
        #expect(exported.stdout.contains("full"), "\(exported.stdout)")
        #expect(try site.bundleFiles("alice").count == 3)
        _ = try site.importAndCompareAlice()
    }

    @Test func aStoreExportedBeforeTheCursorFileExistedGetsItAtItsNextBackupAndKeepsItsIdentity() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        try site.export()
        #expect(try site.importing([site.bundles.path]).status == 0)
        let alice = site.work.store.appendingPathComponent("alice")
        let file = alice.appendingPathComponent("export-cursors")
        let written = try String(contentsOf: file, encoding: .utf8)
        // As an older Brick left it: export cursors in the catalog, no file.
        try FileManager.default.removeItem(at: file)

        try mail.addMessage(name: "1800000001.M1P1.upgraded", subject: "first night after the upgrade")
        try site.backup()
        #expect(try String(contentsOf: file, encoding: .utf8) == written)

        for suffix in ["", "-wal", "-shm"] { unlink(alice.appendingPathComponent("catalog.sqlite" + suffix).path) }
        let repair = try Tools.run("brick-backup", ["repair", alice.path])
        #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
        #expect(repair.stdout.contains("the next export to offsite writes a full bundle"), "\(repair.stdout)")
        try site.backup()
        let exported = try site.export()
        #expect(exported.stdout.contains("full"), "\(exported.stdout)")
        let items = try site.importAndCompareAlice()
        #expect(items.contains { $0.subject == "first night after the upgrade" })
    }
}
