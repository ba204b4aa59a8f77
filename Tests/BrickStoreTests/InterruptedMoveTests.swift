import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// A folder move to another parent renames its item files in one Berkeley DB
/// transaction. A kill while it commits can leave the files renamed on disk with the
/// commit not yet in the log, and Berkeley DB's recovery renames them back when the
/// environment next opens. The store's next open must finish or roll back the move by
/// where the files are after recovery, not before it.
@Suite struct InterruptedMoveTests {
    @Test func aMoveWhoseRenameCommitAKillLostIsRolledBackAndKeepsItsItems() throws {
        let dir = TemporaryDirectory()
        let raw = makeMessage(subject: "in the box")
        let layout = try StoreLayout(root: dir.url, user: "alice")
        let box: StoredFolder
        let newDirectory: String
        do {
            let store = try openStore(dir.url)
            let run = try store.beginRun(kind: "backup")
            box = try store.ensureFolder(FolderPath(["A", "Box"]), run: run).folder
            let other = try store.ensureFolder(FolderPath(["B"]), run: run).folder
            _ = try store.commit(ChangeBatch(added: [makeItem("box", raw: raw)]), to: box, run: run)
            try store.finishRun(run, totals: RunTotals(), status: "ok")
            newDirectory = StoreLayout.folderDirectory(id: box.id, parentDirectory: other.directory)
            // What moveFolder journals before it renames (docs/FORMAT.md §6).
            try store.withCatalog { db in
                try db.execute(
                    sql: """
                        INSERT INTO pending_moves(folder_id, old_directory, new_directory, new_parent_id, new_path)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [box.id, box.directory, newDirectory, other.id, FolderPath(["B", "Box"]).description])
            }
        }
        try FileManager.default.createDirectory(at: layout.url(newDirectory), withIntermediateDirectories: true)
        let oldFile = StoreLayout.itemsFile(folderDirectory: box.directory)
        let newFile = StoreLayout.itemsFile(folderDirectory: newDirectory)
        let killed = Process()
        killed.executableURL = try TestExecutables.url("brick-store-torture")
        killed.arguments = ["--die-inside-rename", layout.environment.path, oldFile, newFile]
        try killed.run()
        killed.waitUntilExit()
        try #require(killed.terminationStatus == 0)
        try #require(FileManager.default.fileExists(atPath: layout.url(newFile).path), "the rename happened on disk")
        try #require(!FileManager.default.fileExists(atPath: layout.url(oldFile).path))

        let store = try openStore(dir.url)
        let report = try store.verify()
        #expect(report.isIntact, "\(report.problems)")
        let folder = try #require(try store.folder(at: FolderPath(["A", "Box"])), "the move is rolled back")
        #expect(folder.id == box.id && folder.directory == box.directory)
        #expect(try store.folder(at: FolderPath(["B", "Box"])) == nil)
        let item = try #require(try store.items(matching: ItemQuery()).first { $0.key == ItemKey("box") })
        #expect(try store.readItem(item).raw == raw)
        #expect(FileManager.default.fileExists(atPath: layout.url(oldFile).path))
        #expect(try store.readCatalog { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pending_moves") } == 0)
    }
}
