import BrickCore
import BrickStore
@testable import BrickSync
import Foundation
import Logging
import Testing

/// A scripted source that offers settings and records, in order, when the backup
/// prepares, reads or discards them and synchronizes a folder.
private final class SettingsRecordingSource: MailSource, SettingsSource, @unchecked Sendable {
    struct ListingFailed: Error {}

    let folders = ScriptedSource()
    var failsListing = false
    private let lock = NSLock()
    private var recorded: [String] = []

    var events: [String] { lock.withLock { recorded } }

    private func record(_ event: String) { lock.withLock { recorded.append(event) } }

    func listFolders() async throws -> [SourceFolder] {
        if failsListing { throw ListingFailed() }
        return try await folders.listFolders()
    }

    func synchronize(_ folder: SourceFolder, from state: FolderSyncState, into sink: any ChangeSink) async throws {
        record("sync \(folder.path)")
        try await folders.synchronize(folder, from: state, into: sink)
    }

    func close() async {}

    func prepareSettings() { record("prepare") }

    func discardPreparedSettings() { record("discard") }

    func readSettings() async throws -> SettingsSnapshot {
        record("read")
        return SettingsSnapshot()
    }
}

@Suite struct SettingsPreparationTests {
    let logger = Logger(label: "test")

    func withStore(_ body: (UserStore) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("brick-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try await body(try UserStore(layout: StoreLayout(root: dir, user: "alice"), user: "alice", mode: .readWrite))
    }

    @Test func settingsArePreparedBeforeTheFirstFolderIsSynchronized() async throws {
        try await withStore { store in
            let source = SettingsRecordingSource()
            source.folders.set(.inbox, items: ["a": .none])
            _ = try await UserBackup(store: store, source: source, sourceDescription: "scripted", selection: FolderSelection(), logger: logger).run()
            #expect(source.events == ["prepare", "sync \(FolderPath.inbox)", "read"])
        }
    }

    @Test func preparedSettingsAreDiscardedWhenTheBackupFails() async throws {
        try await withStore { store in
            let source = SettingsRecordingSource()
            source.failsListing = true
            await #expect(throws: SettingsRecordingSource.ListingFailed.self) {
                _ = try await UserBackup(store: store, source: source, sourceDescription: "scripted", selection: FolderSelection(), logger: logger).run()
            }
            #expect(source.events == ["prepare", "discard"])
        }
    }

    @Test func settingsAreNeitherPreparedNorReadWithoutSettings() async throws {
        try await withStore { store in
            let source = SettingsRecordingSource()
            source.folders.set(.inbox, items: ["a": .none])
            _ = try await UserBackup(
                store: store, source: source, sourceDescription: "scripted", selection: FolderSelection(), logger: logger, readsSettings: false
            ).run()
            #expect(source.events == ["sync \(FolderPath.inbox)"])
        }
    }
}
