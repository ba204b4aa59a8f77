import BrickCore
import Foundation
import Glibc
@testable import BrickMaildir

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The checked-in Maildir fixtures.
let fixturesRoot = repositoryRoot.appendingPathComponent("Fixtures/maildir")

/// A temporary directory removed when the value is released.
final class TemporaryDirectory: @unchecked Sendable {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("brick-maildir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A copy of the fixtures with mtimes set by `tools/fixture-times`.
func fixtureCopy() throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory()
    let copy = directory.url.appendingPathComponent("maildir")
    try FileManager.default.copyItem(at: fixturesRoot, to: copy)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [repositoryRoot.appendingPathComponent("tools/fixture-times").path, copy.path]
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw MaildirError.notAMaildir(path: copy.path) }
    return directory
}

/// Creates a Maildir folder directory with `cur/`, `new/`, `tmp/`.
func makeFolder(_ path: String) throws {
    for sub in ["cur", "new", "tmp"] {
        try FileManager.default.createDirectory(atPath: path + "/" + sub, withIntermediateDirectories: true)
    }
}

/// Writes a file.
func writeFile(_ path: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// A small message.
func message(_ id: String, body: String = "body") -> String {
    "From: a@example.org\r\nSubject: \(id)\r\nMessage-ID: <\(id)@test>\r\n\r\n\(body)\r\n"
}

/// Renames a file within a directory.
func move(_ from: String, _ to: String) throws {
    try FileManager.default.moveItem(atPath: from, toPath: to)
}

/// Waits long enough for directory times to move on a coarse file-system clock.
func tick() async throws {
    try await Task.sleep(nanoseconds: 20_000_000)
}

/// An item as the fake store keeps it.
struct StoredItem: Sendable {
    var flags: ItemFlags
    var internalDate: Date
    var uid: UInt32?
    var raw: [UInt8]
    var deleted = false
}

/// A store stand-in: applies batches to a dictionary and records them.
final class FakeStore: ChangeSink, @unchecked Sendable {
    private let lock = NSLock()
    private var _items: [ItemKey: StoredItem] = [:]
    private var _token: String?
    private var _batches: [ChangeBatch] = []
    private var _loads = 0
    /// Runs inside `loadPresentItems`, after the source listed the folder.
    var onLoad: (@Sendable () throws -> Void)?

    var items: [ItemKey: StoredItem] { lock.withLock { _items } }
    var token: String? { lock.withLock { _token } }
    var batches: [ChangeBatch] { lock.withLock { _batches } }
    var loads: Int { lock.withLock { _loads } }
    var present: [ItemKey: StoredItem] { items.filter { !$0.value.deleted } }

    func commit(_ batch: ChangeBatch) async throws {
        lock.withLock {
            _batches.append(batch)
            for item in batch.added {
                _items[item.key] = StoredItem(flags: item.flags, internalDate: item.internalDate, uid: item.uid, raw: item.raw)
            }
            for item in batch.streamed {
                let raw = (try? item.body.readAll()) ?? []
                _items[item.key] = StoredItem(flags: item.flags, internalDate: item.internalDate, uid: item.uid, raw: raw)
            }
            for change in batch.flagChanges { _items[change.key]?.flags = change.flags }
            for key in batch.vanished { _items[key]?.deleted = true }
            if let token = batch.token { _token = token }
        }
    }

    /// The state a sync starts from.
    var state: FolderSyncState {
        FolderSyncState(token: token) { [self] in
            try onLoad?()
            return lock.withLock {
                _loads += 1
                return _items.filter { !$0.value.deleted }.mapValues(\.flags)
            }
        }
    }

    /// Forgets the recorded batches.
    func clearBatches() { lock.withLock { _batches = [] } }
}

/// Syncs one folder of `source` into `store`.
func sync(_ source: MaildirSource, _ folder: SourceFolder, into store: FakeStore) async throws {
    try await source.synchronize(folder, from: store.state, into: store)
}

/// The INBOX folder description.
let inboxFolder = SourceFolder(path: .inbox, upstreamName: ".")
