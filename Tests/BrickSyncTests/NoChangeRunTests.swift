import BrickCore
@testable import BrickMaildir
@testable import BrickStore
@testable import BrickSync
import Foundation
import Logging
import Testing

/// A night on which nothing changed upstream costs a catalog open and its queries only:
/// the Berkeley DB environment (its shared-memory regions) is never opened, and the
/// catalog is written once, for the run's record.
@Suite struct NoChangeRunTests {
    let logger = Logger(label: "test")

    func temporaryDirectory() -> URL { syncTestDirectory() }

    func makeMaildir(_ root: URL, folders: [String: [String]]) throws {
        try makeTestMaildir(root, folders: folders, body: { "body \($0)" })
    }

    /// The Maildir source, trusting a scan however recent its directories' times (so a
    /// second run within the settle window finds the token as it left it).
    func source(_ maildir: URL) -> MaildirSource {
        var source = MaildirSource(root: maildir)
        source.settleNanoseconds = 0
        return source
    }

    func backUp(_ layout: StoreLayout, _ maildir: URL) async throws -> (RunTotals, openedEnvironment: Bool) {
        let store = try UserStore(layout: layout, user: "alice", mode: .readWrite)
        let totals = try await UserBackup(
            store: store, source: source(maildir), sourceDescription: "maildir", selection: FolderSelection(),
            logger: logger
        ).run()
        return (totals, store.hasOpenedEnvironment)
    }

    /// The region file Berkeley DB writes beside the System V segments while an
    /// environment is open (docs/DESIGN.md, "Faults from the disk").
    func regionFileExists(_ layout: StoreLayout) -> Bool {
        FileManager.default.fileExists(atPath: layout.environment.appendingPathComponent("__db.001").path)
    }

    @Test func maildirRunThatFindsNothingChangedNeverOpensTheEnvironment() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let maildir = dir.appendingPathComponent("Maildir")
        try makeMaildir(maildir, folders: [".": ["1.a", "2.b"], ".Work": ["3.c"]])
        let layout = StoreLayout(userDirectory: dir.appendingPathComponent("store/alice"))
        let (first, firstOpened) = try await backUp(layout, maildir)
        #expect(first.itemsAdded == 3 && firstOpened)
        #expect(!regionFileExists(layout))

        let store = try UserStore(layout: layout, user: "alice", mode: .readWrite)
        let totals = try await UserBackup(
            store: store, source: source(maildir), sourceDescription: "maildir", selection: FolderSelection(),
            logger: logger
        ).run()
        #expect(totals.itemsAdded == 0 && totals.itemsUpdated == 0 && totals.itemsDeleted == 0 && totals.errors.isEmpty)
        #expect(!store.hasOpenedEnvironment)
        #expect(!regionFileExists(layout))
        // The run's row, its end and nothing else: one catalog transaction.
        #expect(store.catalogWriteCount == 1)
        #expect(try store.runs().map(\.status) == ["ok", "ok"])
    }

    @Test func runThatChangesOnlyFlagsStaysOffBerkeleyDBButOneWithANewMessageOpensIt() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let maildir = dir.appendingPathComponent("Maildir")
        try makeMaildir(maildir, folders: [".": ["1.a", "2.b"]])
        let layout = StoreLayout(userDirectory: dir.appendingPathComponent("store/alice"))
        _ = try await backUp(layout, maildir)

        try FileManager.default.moveItem(atPath: maildir.path + "/cur/1.a:2,S", toPath: maildir.path + "/cur/1.a:2,FS")
        let (flagged, flaggedOpened) = try await backUp(layout, maildir)
        #expect(flagged.itemsUpdated == 1 && flagged.itemsAdded == 0)
        #expect(!flaggedOpened)

        try makeMaildir(maildir, folders: [".": ["3.c"]])
        let (added, addedOpened) = try await backUp(layout, maildir)
        #expect(added.itemsAdded == 1)
        #expect(addedOpened)

        let reader = try UserStore(layout: layout, user: "alice", mode: .readOnly)
        #expect(!reader.hasOpenedEnvironment)
        #expect(try reader.verify().isIntact)
        #expect(reader.hasOpenedEnvironment)
        #expect(try reader.items(matching: ItemQuery()).map(\.key).sorted() == ["1.a", "2.b", "3.c"])
    }
}
