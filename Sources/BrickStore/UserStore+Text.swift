import BrickCore
import BrickMessage
import Foundation
import GRDB

extension UserStore {
    /// Whether backups put each message's text into the full-text index (`meta.index_text`
    /// is `1`: set by `backup --index-text` or `index --rebuild-text`, and kept).
    public var indexesText: Bool {
        get throws(StoreError) {
            if let known = runLock.withLock({ knownIndexesText }) { return known }
            let indexes = try readCatalog { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'index_text'") == "1" }
            runLock.withLock { knownIndexesText = indexes }
            return indexes
        }
    }

    /// Makes every later backup index the text of the messages it adds. Does nothing in
    /// a store whose catalog text is sealed: it keeps no text index (FORMAT.md §10.6).
    public func enableTextIndex() throws(StoreError) {
        guard !sealsCatalogText else { return }
        try withCatalog { db in try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('index_text', '1')") }
        runLock.withLock { knownIndexesText = true }
    }

    /// Writes an item's text into the index; an item with no text of its own (a copy,
    /// a message above 16 MiB) takes that of an item with the same bytes, if any.
    static func storeText(_ db: GRDB.Database, _ text: String?, folder: FolderID, key: String, sha256: [UInt8]) throws {
        let id = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM items WHERE folder_id = ? AND key = ?"), arguments: [folder, key])
        guard let id else { return }
        if let text {
            try db.cachedStatement(sql: "UPDATE item_text SET body = ? WHERE rowid = ?").execute(arguments: [text, id])
        } else {
            try db.cachedStatement(sql: """
                UPDATE item_text SET body = COALESCE((SELECT t.body FROM items j JOIN item_text t ON t.rowid = j.id
                    WHERE j.sha256 = ? AND j.id != ? AND t.body != '' LIMIT 1), '') WHERE rowid = ?
                """).execute(arguments: [Data(sha256), id, id])
        }
    }

    /// Indexes the text of every item (deleted ones too), replacing what the index held,
    /// and turns text indexing on for later backups. Messages above `maxSize` keep an
    /// empty text. Index entries of ids no item row has are removed first: imports by
    /// earlier versions replaced rows of other ids without the delete trigger, leaving
    /// such entries, whose text a later row of the id would take. Commits every
    /// 500 items, so an interrupted rebuild keeps its work; `progress` is called after
    /// each commit with the items done and the total.
    public func rebuildTextIndex(maxSize: Int64 = 64 << 20, progress: (Int, Int) -> Void = { _, _ in }) throws(StoreError) -> (indexed: Int, skipped: Int) {
        guard !sealsCatalogText else { throw .textIndexNotKept(user: user) }
        try enableTextIndex()
        try withCatalog { db in
            try db.execute(sql: "DELETE FROM item_text WHERE rowid IN (SELECT id FROM item_text_content WHERE id NOT IN (SELECT id FROM items))")
        }
        var query = ItemQuery()
        query.deleted = .yes
        let total = try count(matching: query).items
        var batch: [(FolderID, String, String)] = []
        var indexed = 0
        var skipped = 0
        func flush() throws(StoreError) {
            let rows = batch
            try withCatalog { db in
                for (folder, key, text) in rows {
                    try UserStore.storeText(db, text, folder: folder, key: key, sha256: [])
                }
            }
            batch = []
            progress(indexed + skipped, total)
        }
        var items: [CatalogItem] = []
        try forEachItem(matching: query) { items.append($0) }
        for item in items {
            guard item.size <= maxSize else {
                batch.append((item.folderID, item.key.rawValue, ""))
                skipped += 1
                continue
            }
            let raw = try readItem(item).raw
            batch.append((item.folderID, item.key.rawValue, MessageText.extract(raw)))
            indexed += 1
            if batch.count >= 500 { try flush() }
        }
        try flush()
        return (indexed, skipped)
    }
}
