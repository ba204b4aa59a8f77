import BrickCore
import Foundation

/// A source whose folders and contents the test sets directly: a diff source like a
/// Maildir, reporting new items, flag changes and vanished keys against the store.
final class ScriptedSource: MailSource, @unchecked Sendable {
    struct Folder {
        var info: SourceFolder
        var items: [ItemKey: (ItemFlags, [UInt8])] = [:]
        var failure: (any Error)?
        var skipped: [SkippedItem] = []
    }

    private let lock = NSLock()
    private var folders: [Folder] = []
    private(set) var synchronizedFolders: [FolderPath] = []

    func set(_ path: FolderPath, identity: String? = nil, specialUse: SpecialUse? = nil, items: [String: ItemFlags] = [:], failure: (any Error)? = nil) {
        var folder = Folder(info: SourceFolder(path: path, upstreamName: path.description, specialUse: specialUse, identity: identity))
        for (key, flags) in items { folder.items[ItemKey(key)] = (flags, Array("Subject: \(key)\r\n\r\nbody of \(key)\r\n".utf8)) }
        folder.failure = failure
        lock.withLock {
            folders.removeAll { $0.info.path == path }
            folders.append(folder)
            folders.sort { $0.info.path < $1.info.path }
        }
    }

    /// Makes the folder report `key` as seen but not handed over.
    func skip(_ key: ItemKey, in path: FolderPath, reason: String) {
        lock.withLock {
            if let index = folders.firstIndex(where: { $0.info.path == path }) {
                folders[index].skipped.append(SkippedItem(key: key, reason: reason))
            }
        }
    }

    func remove(_ path: FolderPath) { lock.withLock { folders.removeAll { $0.info.path == path } } }

    func listFolders() async throws -> [SourceFolder] { lock.withLock { folders.map(\.info) } }

    func synchronize(_ folder: SourceFolder, from state: FolderSyncState, into sink: any ChangeSink) async throws {
        let current = lock.withLock { folders.first { $0.info.path == folder.path } }
        guard let current else { return }
        lock.withLock { synchronizedFolders.append(folder.path) }
        if let failure = current.failure { throw failure }
        let present = try state.loadPresentItems()
        var batch = ChangeBatch(token: "scripted")
        batch.skipped = current.skipped
        for (key, (flags, raw)) in current.items.sorted(by: { $0.key < $1.key }) {
            if let stored = present[key] {
                if stored != flags { batch.flagChanges.append(FlagChange(key: key, flags: flags)) }
            } else {
                batch.added.append(SourceItem(key: key, flags: flags, internalDate: Date(timeIntervalSince1970: 1_700_000_000), raw: raw))
            }
        }
        batch.vanished = present.keys.filter { current.items[$0] == nil }.sorted()
        try await sink.commit(batch)
    }

    func close() async {}
}
