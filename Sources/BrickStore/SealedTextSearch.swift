import Foundation
import GRDB

/// Full-text filters over a catalog whose text is sealed (docs/FORMAT.md §10.6): such a
/// store keeps no full-text index on disk, so the rows are opened with the key and
/// indexed in memory, a batch at a time, with the same FTS5 tokenizer and columns as
/// `item_text` (without message text), so queries mean what they mean elsewhere.
enum SealedTextSearch {
    /// Rows opened and indexed per batch: bounds the memory of a search.
    static let batchSize = 5_000

    /// Ids of the item rows whose opened text matches the FTS5 expression `match`.
    /// A row whose text does not open under the key stops the search with its
    /// `StoreError.sealing` (damage or another key), rather than matching nothing.
    static func matchingIDs(db: GRDB.Database, seal: CatalogTextSeal, match: String) throws -> [Int64] {
        let memory = try DatabaseQueue()
        try memory.write { index in
            try index.execute(sql: """
                CREATE VIRTUAL TABLE item_text USING fts5(subject, sender, recipients, body, tokenize = 'unicode61 remove_diacritics 2')
                """)
        }
        var ids: [Int64] = []
        var batch: [(Int64, CatalogText)] = []
        func flush() throws {
            let rows = batch
            batch = []
            try memory.write { index in
                let insert = try index.cachedStatement(sql: "INSERT INTO item_text(rowid, subject, sender, recipients, body) VALUES (?, ?, ?, ?, '')")
                for (id, text) in rows {
                    try insert.execute(arguments: [
                        id, text["subject"] ?? "", (text["from_name"] ?? "") + " " + (text["from_addr"] ?? ""),
                        (text["to_addrs"] ?? "") + " " + (text["cc_addrs"] ?? ""),
                    ])
                }
                ids += try Int64.fetchAll(index, sql: "SELECT rowid FROM item_text WHERE item_text MATCH ?", arguments: [match])
                try index.execute(sql: "DELETE FROM item_text")
            }
        }
        let rows = try Row.fetchCursor(db, sql: "SELECT id, folder_id, key, sealed_text FROM items WHERE sealed_text IS NOT NULL")
        while let row = try rows.next() {
            guard let sealed = row["sealed_text"] as Data? else { continue }
            batch.append((row["id"], try seal.open([UInt8](sealed), folder: row["folder_id"], key: row["key"])))
            if batch.count >= batchSize { try flush() }
        }
        try flush()
        return ids
    }

    /// Ids of the contact rows one of whose other e-mail addresses (`to_addrs`, the
    /// first is `from_addr` and found through the blind index) is `sender`, or lies in
    /// its domain when `sender` is `@domain`. Opens only the contact rows (`items_kind`).
    static func contactIDs(db: GRDB.Database, seal: CatalogTextSeal, sender: String) throws -> [Int64] {
        var ids: [Int64] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, folder_id, key, sealed_text FROM items WHERE kind = 'contact' AND sealed_text IS NOT NULL")
        while let row = try rows.next() {
            guard let sealed = row["sealed_text"] as Data? else { continue }
            let text = try seal.open([UInt8](sealed), folder: row["folder_id"], key: row["key"])
            let addresses = (text["to_addrs"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if addresses.contains(where: { sender.hasPrefix("@") ? $0.hasSuffix(sender) : $0 == sender }) { ids.append(row["id"]) }
        }
        return ids
    }
}
