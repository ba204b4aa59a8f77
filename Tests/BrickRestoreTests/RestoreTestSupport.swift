import BrickCore
import BrickMessage
import BrickRestore
import BrickStore
import Foundation
import Logging

/// A user store in a temporary directory, filled by the tests, removed once the
/// store is closed.
final class ScratchStore: @unchecked Sendable {
    let store: UserStore
    /// Declared after `store`, so it goes (and removes the directory) after the store closed.
    private let directory: RemovedDirectory

    init() throws {
        directory = try RemovedDirectory()
        store = try UserStore(layout: StoreLayout(root: directory.url, user: "alice"), user: "alice", mode: .readWrite)
    }

    /// Adds items to `folder` in one backup run.
    func add(_ items: [SourceItem], to folder: FolderPath = .inbox) throws {
        let run = try store.beginRun(kind: "backup")
        let stored = try store.ensureFolder(folder, run: run).folder
        _ = try store.commit(ChangeBatch(added: items), to: stored, run: run)
    }

    /// Sets the flags of items in `folder`, as a later backup would.
    func setFlags(_ flags: ItemFlags, of keys: [ItemKey], in folder: FolderPath = .inbox) throws {
        let run = try store.beginRun(kind: "backup")
        let stored = try store.ensureFolder(folder, run: run).folder
        _ = try store.commit(ChangeBatch(flagChanges: keys.map { FlagChange(key: $0, flags: flags) }), to: stored, run: run)
    }

    /// Restores every present item into `target`.
    func restore(into target: any RestoreTarget, overwrite: Bool) async throws -> RestoreReport {
        try await RestoreJob(
            store: store, query: ItemQuery(), target: target, restoreRoot: nil, overwrite: overwrite,
            logger: Logger(label: "test"), batchBytes: 1 << 20
        ).run()
    }
}

/// A source item received at `seconds` with the given text as its bytes.
func sourceItem(_ key: String, _ text: String, at seconds: TimeInterval, flags: ItemFlags = .none) -> SourceItem {
    SourceItem(key: ItemKey(key), flags: flags, internalDate: Date(timeIntervalSince1970: seconds), raw: Array(text.utf8))
}

/// A temporary directory removed when the value goes away.
private final class RemovedDirectory: Sendable {
    let url = URL(fileURLWithPath: NSTemporaryDirectory() + "brick-restore-store-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
