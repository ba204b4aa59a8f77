import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// A temporary directory removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("brick-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A small RFC 5322 message with the given fields.
func makeMessage(from: String = "Alice Example <alice@example.org>", subject: String = "Hello", body: String = "Hi.\r\n",
                 date: String = "Tue, 3 Mar 2026 10:00:00 +0000", messageID: String = UUID().uuidString) -> [UInt8] {
    Array("From: \(from)\r\nTo: bob@example.org\r\nSubject: \(subject)\r\nDate: \(date)\r\nMessage-ID: <\(messageID)@example.org>\r\n\r\n\(body)".utf8)
}

/// A source item with a made-up key and date.
func makeItem(_ key: String, flags: ItemFlags = .none, received: TimeInterval = 1_772_532_000, raw: [UInt8]? = nil) -> SourceItem {
    SourceItem(key: ItemKey(key), flags: flags, internalDate: Date(timeIntervalSince1970: received), uid: nil, raw: raw ?? makeMessage())
}

/// Opens a writable store for user "alice" under `root`.
func openStore(_ root: URL, user: String = "alice", mode: UserStore.Mode = .readWrite) throws -> UserStore {
    try UserStore(layout: StoreLayout(root: root, user: user), user: user, mode: mode)
}

/// The catalog row of `key` in the folder at `path`, deleted or not.
func item(_ store: UserStore, _ path: FolderPath, _ key: String) throws -> CatalogItem {
    var query = ItemQuery()
    query.folders = [path]
    query.keys = [ItemKey(key)]
    query.deleted = .yes
    return try #require(store.items(matching: query).first)
}

/// The holder an item's catalog row names for its body, nil when it holds its own.
func catalogBody(_ store: UserStore, folder: FolderID, key: String) throws -> BodyReference? {
    try store.catalog.read { db in
        let row = try Row.fetchOne(
            db, sql: "SELECT body_folder_id, body_key FROM items WHERE folder_id = ? AND key = ?", arguments: [folder, key])!
        return (row[0] as FolderID?).map { BodyReference(folderID: $0, key: ItemKey(row[1] as String)) }
    }
}
