import BrickCore
import BrickStore
@testable import BrickSync
import Foundation
import Logging
import Testing

@Suite struct UserBackupTests {
    let logger = Logger(label: "test")

    func backUp(_ store: UserStore, _ source: ScriptedSource, selection: FolderSelection = FolderSelection()) async throws -> RunTotals {
        try await UserBackup(store: store, source: source, sourceDescription: "scripted", selection: selection, logger: logger).run()
    }

    func makeStore(_ dir: URL) throws -> UserStore {
        try UserStore(layout: StoreLayout(root: dir, user: "alice"), user: "alice", mode: .readWrite)
    }

    func temporaryDirectory() -> URL { syncTestDirectory() }

    @Test func secondRunRecordsOnlyWhatChanged() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try makeStore(dir)
        let source = ScriptedSource()
        source.set(.inbox, items: ["a": .none, "b": .none, "c": .none])
        let first = try await backUp(store, source)
        #expect(first.itemsAdded == 3 && first.foldersAdded == 1)
        source.set(.inbox, items: ["a": ItemFlags(system: [.seen]), "b": .none, "d": .none])
        let second = try await backUp(store, source)
        #expect(second.itemsAdded == 1 && second.itemsUpdated == 1 && second.itemsDeleted == 1)
        let third = try await backUp(store, source)
        #expect(third.itemsAdded == 0 && third.itemsUpdated == 0 && third.itemsDeleted == 0)
        #expect(try store.runs().map(\.status) == ["ok", "ok", "ok"])
    }

    @Test func folderGoneUpstreamIsMarkedDeletedWithItsItems() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try makeStore(dir)
        let source = ScriptedSource()
        source.set(.inbox, items: ["a": .none])
        source.set(FolderPath(["Old"]), items: ["x": .none, "y": .none])
        _ = try await backUp(store, source)
        source.remove(FolderPath(["Old"]))
        let totals = try await backUp(store, source)
        #expect(totals.foldersDeleted == 1 && totals.itemsDeleted == 2)
        var query = ItemQuery()
        query.deleted = .only
        #expect(try store.items(matching: query).map(\.key) == ["x", "y"])
    }

    @Test func folderWithSameIdentityAtNewPathIsMovedNotCopied() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try makeStore(dir)
        let source = ScriptedSource()
        source.set(FolderPath(["Projects"]), identity: "uidvalidity:7", items: ["a": .none])
        source.set(FolderPath(["Projects", "Sub"]), identity: "uidvalidity:8", items: ["b": .none])
        _ = try await backUp(store, source)
        let before = try #require(try store.folder(at: FolderPath(["Projects"])))
        source.remove(FolderPath(["Projects"]))
        source.remove(FolderPath(["Projects", "Sub"]))
        source.set(FolderPath(["Archive", "Projects"]), identity: "uidvalidity:7", items: ["a": .none])
        source.set(FolderPath(["Archive", "Projects", "Sub"]), identity: "uidvalidity:8", items: ["b": .none])
        let totals = try await backUp(store, source)
        #expect(totals.itemsAdded == 0 && totals.itemsDeleted == 0 && totals.foldersDeleted == 0)
        let after = try #require(try store.folder(at: FolderPath(["Archive", "Projects"])))
        #expect(after.id == before.id)
        #expect(try store.folder(at: FolderPath(["Archive", "Projects", "Sub"])) != nil)
        #expect(try store.verify().isIntact)
    }

    @Test func excludedFoldersAreNeitherReadNorMarkedDeleted() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try makeStore(dir)
        let source = ScriptedSource()
        source.set(.inbox, items: ["a": .none])
        source.set(FolderPath(["Junk"]), specialUse: .junk, items: ["j": .none])
        source.set(FolderPath(["Bulk Mail"]), items: ["b": .none])
        source.set(FolderPath(["Trash"]), specialUse: .trash, items: ["t": .none])
        var selection = FolderSelection()
        selection.skipJunk = true
        selection.skipTrash = true
        selection.excludes = ["bulk*"]
        _ = try await backUp(store, source, selection: selection)
        #expect(source.synchronizedFolders == [.inbox])
        #expect(try store.items(matching: ItemQuery()).map(\.key) == ["a"])
    }

    @Test func oneFolderFailingDoesNotStopTheOthers() async throws {
        struct Boom: Error {}
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try makeStore(dir)
        let source = ScriptedSource()
        source.set(FolderPath(["A"]), items: ["a": .none], failure: Boom())
        source.set(FolderPath(["B"]), items: ["b": .none])
        let totals = try await backUp(store, source)
        #expect(totals.errors.count == 1 && totals.errors[0].hasPrefix("A:"))
        #expect(try store.items(matching: ItemQuery()).map(\.key) == ["b"])
        #expect(try store.runs().last?.status == "partial")
    }

    @Test func aFullDiskStopsTheRunInsteadOfFailingEveryFolder() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try makeStore(dir)
        let source = ScriptedSource()
        let full = StoreError.writeFailed(user: "alice", path: dir.path, writing: "folders/1/items.db", errno: ENOSPC)
        source.set(FolderPath(["A"]), items: ["a": .none], failure: full)
        source.set(FolderPath(["B"]), items: ["b": .none])
        await #expect(throws: StoreError.self) { try await backUp(store, source) }
        #expect(source.synchronizedFolders == [FolderPath(["A"])])
        #expect(try store.runs().last?.status == "failed")
        #expect("\(full)" == "user alice: no space left on \(dir.path) while writing folders/1/items.db")
    }

    @Test func globMatchesLikeAShellCaseInsensitively() {
        #expect(Glob.matches("Trash", "trash"))
        #expect(Glob.matches("*Mail", "Bulk Mail"))
        #expect(Glob.matches("Arch?ve/*", "Archive/2025"))
        #expect(!Glob.matches("Arch", "Archive"))
    }
}
