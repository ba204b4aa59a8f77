import BrickCore
import BrickStore
import Foundation
import Testing

@Suite struct UserStoreFolderTests {
    @Test(arguments: ["../../etc", "a/b", ".", "..", "", String(repeating: "é", count: 150), "~root", "-rf", " "])
    func hostileFolderNamesStayInsideTheStore(name: String) throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let path = FolderPath(["INBOX", name])
        let folder = try store.ensureFolder(path, upstreamName: name, run: run).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("k")]), to: folder, run: run)
        let directory = store.layout.url(folder.directory).standardizedFileURL.path
        #expect(directory.hasPrefix(store.layout.userDirectory.path + "/folders/"))
        #expect(folder.directory.split(separator: "/").allSatisfy { $0 == "folders" || Int($0) != nil })
        let pathText = try String(contentsOf: store.layout.url(folder.directory + "/path"), encoding: .utf8)
        #expect(FolderPath(parsing: String(pathText.dropLast())) == path)
        let stored = try #require(try store.folders().first { $0.id == folder.id })
        #expect(stored.upstreamName == name)
        #expect(stored.path == path, "an empty name must come back as one, or the folder never reconciles")
    }

    @Test func nestedFoldersMirrorTheHierarchy() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let child = try store.ensureFolder(FolderPath(["Archive", "2025", "Q1"]), run: run).folder
        let parent = try #require(try store.folder(at: FolderPath(["Archive", "2025"])))
        let top = try #require(try store.folder(at: FolderPath(["Archive"])))
        #expect(child.directory == "folders/\(top.id)/folders/\(parent.id)/folders/\(child.id)")
        #expect(FileManager.default.fileExists(atPath: store.layout.url(child.directory + "/items.db").path))
    }

    @Test func renameWithinParentKeepsDirectoryAndItems() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let folder = try store.ensureFolder(FolderPath(["Old"]), run: run).folder
        _ = try store.ensureFolder(FolderPath(["Old", "Child"]), run: run)
        _ = try store.commit(ChangeBatch(added: [makeItem("k")]), to: folder, run: run)
        try store.moveFolder(folder.id, to: FolderPath(["New"]), upstreamName: "New", run: run)
        let moved = try #require(try store.folder(at: FolderPath(["New"])))
        #expect(moved.id == folder.id && moved.directory == folder.directory)
        #expect(try store.folder(at: FolderPath(["New", "Child"])) != nil)
        let item = try #require(try store.items(matching: ItemQuery()).first)
        #expect(item.folderPath == FolderPath(["New"]))
        #expect(try store.readItem(item).raw.count > 0)
        let pathText = try String(contentsOf: store.layout.url(moved.directory + "/path"), encoding: .utf8)
        #expect(pathText == "New\n")
    }

    @Test func moveToAnotherParentMovesTheDirectoryWithItsItems() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let folder = try store.ensureFolder(FolderPath(["Projects", "X"]), run: run).folder
        let raw = makeMessage(subject: "moved")
        _ = try store.commit(ChangeBatch(added: [makeItem("k", raw: raw)]), to: folder, run: run)
        try store.moveFolder(folder.id, to: FolderPath(["Archive", "X"]), upstreamName: nil, run: run)
        let moved = try #require(try store.folder(at: FolderPath(["Archive", "X"])))
        let archive = try #require(try store.folder(at: FolderPath(["Archive"])))
        #expect(moved.id == folder.id)
        #expect(moved.directory == "folders/\(archive.id)/folders/\(folder.id)")
        #expect(!FileManager.default.fileExists(atPath: store.layout.url(folder.directory).path))
        let item = try #require(try store.items(matching: ItemQuery()).first)
        #expect(try store.readItem(item).raw == raw)
        let verify = try store.verify()
        #expect(verify.isIntact && verify.problems.isEmpty)
    }

    @Test func deletedFolderKeepsItsItemsMarkedDeleted() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup")
        let folder = try store.ensureFolder(FolderPath(["Gone"]), run: run1).folder
        let child = try store.ensureFolder(FolderPath(["Gone", "Sub"]), run: run1).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("a")]), to: folder, run: run1)
        _ = try store.commit(ChangeBatch(added: [makeItem("b")]), to: child, run: run1)
        let run2 = try store.beginRun(kind: "backup")
        #expect(try store.markFolderDeleted(folder.id, run: run2) == 2)
        #expect(try store.folders().isEmpty)
        var query = ItemQuery()
        query.deleted = .only
        query.folders = [FolderPath(["Gone"])]
        query.recursive = true
        #expect(try store.items(matching: query).map(\.key) == ["a", "b"])
        // A new folder may take the same path.
        let again = try store.ensureFolder(FolderPath(["Gone"]), run: run2)
        #expect(again.created && again.folder.id != folder.id)
    }
}
