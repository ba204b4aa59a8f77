import Foundation
import GRDB

/// Where an off-site target's exports have got to (docs/FORMAT.md §4, `export_targets`).
public struct ExportTargetState: Sendable, Hashable {
    /// The target's name.
    public var name: String
    /// The sequence number of the last bundle written for it.
    public var lastSequence: UInt64
    /// The last run that bundle covers.
    public var lastRun: RunID
    /// That bundle's digest.
    public var lastDigest: [UInt8]
}

/// The catalog side of an export (docs/DESIGN.md, "Off-site copies"): what changed after
/// a target's cursor run, read from the run ids every row carries, and the cursor itself.
/// Call these while holding the writer lock, so that nothing changes between the reads.
extension UserStore {
    /// Runs a read on the catalog whose body may throw anything: catalog failures
    /// become `StoreError.catalog`, the body's own errors pass through.
    func readCatalogPassingErrors<T>(_ body: (GRDB.Database) throws -> T) throws -> T {
        do {
            return try catalog.unsafeReentrantRead(body)
        } catch let error as DatabaseError {
            throw StoreError.catalog(user: user, underlying: error)
        }
    }

    /// The store's identity, a random UUID given by the migration to format 4.
    public func storeID() throws(StoreError) -> String {
        try readCatalog { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'store_id'") } ?? ""
    }

    /// The largest run id, 0 when the store has no run.
    public func latestRunID() throws(StoreError) -> RunID {
        try readCatalog { db in try RunID.fetchOne(db, sql: "SELECT MAX(id) FROM runs") } ?? 0
    }

    /// The cursor of export target `name`, nil before its first export.
    public func exportTarget(_ name: String) throws(StoreError) -> ExportTargetState? {
        try readCatalog { db in
            try Row.fetchOne(db, sql: "SELECT * FROM export_targets WHERE name = ?", arguments: [name]).map {
                ExportTargetState(
                    name: $0["name"], lastSequence: UInt64($0["last_sequence"] as Int64), lastRun: $0["last_run"],
                    lastDigest: [UInt8]($0["last_digest"] as Data))
            }
        }
    }

    /// Advances target `name` to a bundle that is durably written, then drops the
    /// tombstones every target has exported, and syncs the catalog (`syncCatalog`), so a
    /// power cut cannot take the cursor back behind a bundle already shipped. The cursors
    /// and the store's identity are first written to `export-cursors` too, which survives
    /// a catalog rebuild.
    public func recordExport(target name: String, sequence: UInt64, run: RunID, digest: [UInt8], at date: Date) throws(StoreError) {
        try writeExportCursorFile(target: name, sequence: sequence, digest: digest, at: date)
        try withCatalog { db in
            try db.execute(
                sql: """
                    INSERT INTO export_targets(name, last_sequence, last_run, last_digest, last_exported_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET last_sequence = excluded.last_sequence, last_run = excluded.last_run,
                        last_digest = excluded.last_digest, last_exported_at = excluded.last_exported_at
                    """,
                arguments: [name, Int64(sequence), run, Data(digest), Int64(date.timeIntervalSince1970)])
            let oldest = try RunID.fetchOne(db, sql: "SELECT MIN(last_run) FROM export_targets") ?? 0
            try db.execute(sql: "DELETE FROM purged_items WHERE run_id <= ?", arguments: [oldest])
            try db.execute(sql: "DELETE FROM purged_folders WHERE run_id <= ?", arguments: [oldest])
            try db.execute(sql: "DELETE FROM purged_settings WHERE run_id <= ?", arguments: [oldest])
        }
        try syncCatalog()
    }

    /// Writes `export-cursors` from the catalog when the file is missing and the catalog
    /// has export cursors: a store last exported by a Brick older than the file gets it
    /// at its next run, so a later `repair` keeps its identity. Called at the end of each run.
    public func writeMissingExportCursorFile() throws(StoreError) {
        guard isWritable, !FileManager.default.fileExists(atPath: ExportCursorFile.url(layout).path) else { return }
        let targets = try exportCursorTargets(except: nil)
        guard !targets.isEmpty else { return }
        try ExportCursorFile(storeID: try storeID(), targets: targets).write(layout, user: user)
    }

    /// Writes `export-cursors` with the catalog's targets, target `name` moved to `sequence`.
    private func writeExportCursorFile(target name: String, sequence: UInt64, digest: [UInt8], at date: Date) throws(StoreError) {
        var targets = try exportCursorTargets(except: name)
        targets.append(ExportCursorFile.Target(
            name: name, lastSequence: sequence, lastDigest: digest, lastExportedAt: Int64(date.timeIntervalSince1970)))
        try ExportCursorFile(storeID: try storeID(), targets: targets).write(layout, user: user)
    }

    /// The catalog's export targets as `export-cursors` lists them, all but `name`.
    private func exportCursorTargets(except name: String?) throws(StoreError) -> [ExportCursorFile.Target] {
        try readCatalog { db in
            try Row.fetchAll(db, sql: "SELECT * FROM export_targets WHERE name IS NOT ?", arguments: [name]).map {
                ExportCursorFile.Target(
                    name: $0["name"], lastSequence: UInt64($0["last_sequence"] as Int64), lastDigest: [UInt8]($0["last_digest"] as Data),
                    lastExportedAt: $0["last_exported_at"])
            }
        }
    }

    /// Each folder row added, changed or deleted after run `cursor`, whole, parents
    /// before children.
    public func forEachChangedFolder(after cursor: RunID, _ body: (CatalogRow) throws -> Void) throws {
        try readCatalogPassingErrors { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT * FROM folders WHERE added_run > ?1 OR updated_run > ?1 OR deleted_run > ?1
                ORDER BY length(directory), id
                """, arguments: [cursor])
            while let row = try rows.next() { try body(row.catalogRow) }
        }
    }

    /// Up to `limit` item rows added, changed, deleted or given a new value after run
    /// `cursor`, whole, each with whether its value is new since then, in folder then key
    /// order, starting after the row at `position` (from the start when nil). Each page
    /// is one short read, so the catalog is free between pages for a thread that reads
    /// values (whose error path and first use of an item file read the catalog).
    public func changedItems(
        after cursor: RunID, following position: ItemPosition?, limit: Int
    ) throws -> [(row: CatalogRow, valueChanged: Bool)] {
        try readCatalogPassingErrors { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT * FROM items
                WHERE (added_run > ?1 OR updated_run > ?1 OR deleted_run > ?1 OR value_run > ?1)
                  AND (folder_id, key) > (?2, ?3)
                ORDER BY folder_id, key LIMIT ?4
                """, arguments: [cursor, position?.folderID ?? FolderID.min, position?.key ?? "", limit])
            var page: [(row: CatalogRow, valueChanged: Bool)] = []
            page.reserveCapacity(limit)
            while let row = try rows.next() {
                let added: RunID = row["added_run"]
                let rewritten: RunID? = row["value_run"]
                page.append((try openedItemRow(row.catalogRow), added > cursor || (rewritten ?? 0) > cursor))
            }
            return page
        }
    }

    /// Each item row added, changed, deleted or given a new value after run `cursor`,
    /// whole, with whether its value is new since then, folder by folder in key order;
    /// read a page at a time (`changedItems`), `body` runs outside the catalog read.
    public func forEachChangedItem(after cursor: RunID, _ body: (CatalogRow, _ valueChanged: Bool) throws -> Void) throws {
        var position: ItemPosition?
        while true {
            let page = try changedItems(after: cursor, following: position, limit: 256)
            for (row, valueChanged) in page { try body(row, valueChanged) }
            guard page.count == 256, let last = page.last?.row else { return }
            position = ItemPosition(folderID: last["folder_id"]?.integer ?? 0, key: last["key"]?.text ?? "")
        }
    }

    /// The items and folders purged after run `cursor` (as far as tombstones were kept:
    /// only while the store has an export target), items first, in the order purged.
    public func forEachPurge(
        after cursor: RunID, item: (RunID, FolderID, String) throws -> Void, folder: (RunID, FolderID) throws -> Void
    ) throws {
        try readCatalogPassingErrors { db in
            let items = try Row.fetchCursor(
                db, sql: "SELECT run_id, folder_id, key FROM purged_items WHERE run_id > ? ORDER BY rowid", arguments: [cursor])
            while let row = try items.next() { try item(row[0], row[1], row[2]) }
            let folders = try Row.fetchCursor(
                db, sql: "SELECT run_id, folder_id FROM purged_folders WHERE run_id > ? ORDER BY rowid", arguments: [cursor])
            while let row = try folders.next() { try folder(row[0], row[1]) }
        }
    }

    /// Each legal hold placed or removed after run `cursor`, whole, by id.
    public func forEachChangedHold(after cursor: RunID, _ body: (CatalogRow) throws -> Void) throws {
        try readCatalogPassingErrors { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT * FROM holds WHERE added_run > ?1 OR removed_run > ?1 ORDER BY id", arguments: [cursor])
            while let row = try rows.next() {
                var hold = row.catalogRow
                hold["sender_mac"] = nil  // a replica makes its own (FORMAT.md §10.6)
                try body(hold)
            }
        }
    }

    /// Each setting row added or marked replaced after run `cursor`, whole, by id.
    public func forEachChangedSetting(after cursor: RunID, _ body: (CatalogRow) throws -> Void) throws {
        try readCatalogPassingErrors { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT * FROM settings WHERE added_run > ?1 OR replaced_run > ?1 ORDER BY id", arguments: [cursor])
            while let row = try rows.next() { try body(row.catalogRow) }
        }
    }

    /// The ids of the setting rows purged after run `cursor` (tombstones are kept only
    /// while the store has an export target), in the order purged.
    public func forEachPurgedSetting(after cursor: RunID, _ body: (RunID, Int64) throws -> Void) throws {
        try readCatalogPassingErrors { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT run_id, setting_id FROM purged_settings WHERE run_id > ? ORDER BY rowid", arguments: [cursor])
            while let row = try rows.next() { try body(row[0], row[1]) }
        }
    }

    /// Each run row with an id above `cursor`, whole, oldest first.
    public func forEachRun(after cursor: RunID, _ body: (CatalogRow) throws -> Void) throws {
        try readCatalogPassingErrors { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM runs WHERE id > ? ORDER BY id", arguments: [cursor])
            while let row = try rows.next() { try body(row.catalogRow) }
        }
    }

    /// The value of an item exactly as stored (header and LZ4 frame or reference), nil
    /// when it is missing. Exports read every value through this one function.
    /// Threads may read at once: the handle is found under `mutex`, the read runs
    /// outside it (`ValueReads`), and a failure is mapped under it again.
    public func storedValue(folderID: FolderID, key: String) throws(StoreError) -> [UInt8]? {
        try readRecord(folderID: folderID, key: Array(key.utf8))?.bytes
    }

    /// The record under `key` in the item file of folder `folderID`, read outside
    /// `mutex` on a handle found under it (see `storedValue`).
    private func readRecord(folderID: FolderID, key: [UInt8]) throws(StoreError) -> StoredRecord? {
        mutex.lock()
        let file: ItemFile?
        do {
            file = try readingItemFile(of: folderID) { () throws(StoreError) -> ItemFile? in try database(forFolderID: folderID) }
        } catch {
            mutex.unlock()
            throw error
        }
        guard let file else {
            mutex.unlock()
            return nil
        }
        let direct = directReader(folderID, of: file)
        valueReads.begin()
        mutex.unlock()
        let result = Result { try file.record(key, through: direct) }
        valueReads.end()
        switch result {
        case .success(let record):
            return record
        case .failure(let failure):
            mutex.lock()
            defer { mutex.unlock() }
            return try readingItemFile(of: folderID) { () throws(StoreError) -> StoredRecord? in try withBlobs { throw failure } }
        }
    }

    /// The stored bytes of an item as one logical value, for export: its length, known
    /// from its record alone, and its pieces: the record, then, for a value of body
    /// kind 2, its segment records' bytes in order (the LZ4 frame), read one record at a
    /// time when `forEach` runs, so memory holds one segment. The record is read once;
    /// read directly, its bytes stay where they lie in the file's pages.
    /// `ReplicaWriter.value` splits such a logical value into records again. Nil when
    /// the item has no value.
    public func storedValuePieces(folderID: FolderID, key: String) throws(StoreError) -> StoredValuePieces? {
        guard let main = try readRecord(folderID: folderID, key: Array(key.utf8)) else { return nil }
        // Only a record of body kind 2 is decoded here: it is small (a header and the
        // frame's length and segment count), and a record that does not decode as one is
        // sent as it is stored.
        guard ItemValue.isSegmented(main.prefix(ItemValue.kindPrefixLength)),
              case .segmented(let frameLength, let count)? = try? ItemValue.decodeHeader(main.bytes).1
        else {
            return StoredValuePieces(store: self, folderID: folderID, key: key, main: main, segments: 0, length: UInt64(main.count))
        }
        return StoredValuePieces(
            store: self, folderID: folderID, key: key, main: main, segments: count, length: UInt64(main.count) + frameLength)
    }

    fileprivate func storedSegment(folderID: FolderID, key: [UInt8]) throws(StoreError) -> StoredRecord? {
        try readRecord(folderID: folderID, key: key)
    }
}

/// Where a walk of item rows has got to: the folder and key of the last row read.
public struct ItemPosition: Sendable, Hashable {
    /// The folder of the last row read.
    public var folderID: FolderID
    /// Its key.
    public var key: String

    /// The position after the row of `folderID` and `key`.
    public init(folderID: FolderID, key: String) {
        self.folderID = folderID
        self.key = key
    }
}

/// An item's stored value as export sends it (see `UserStore.storedValuePieces`).
public struct StoredValuePieces {
    fileprivate let store: UserStore
    fileprivate let folderID: FolderID
    fileprivate let key: String
    fileprivate let main: StoredRecord
    fileprivate let segments: UInt32
    /// Bytes of the logical value: the record and, for body kind 2, the frame.
    public let length: UInt64
    /// Bytes of the record read (for a value of body kind 2, its segments are read
    /// when `forEach` runs).
    public var mainCount: Int { main.count }

    /// Hands over the record, then each segment's record in order.
    public func forEach(_ body: (StoredRecord) throws -> Void) throws {
        try body(main)
        let item = Array(key.utf8)
        for index in 0..<segments {
            guard let segment = try store.storedSegment(folderID: folderID, key: SegmentKey.key(item: item, index: index)) else {
                throw StoreError.damagedItem(user: store.user, folder: "#\(folderID)", key: key, detail: "segment \(index) is missing")
            }
            try body(segment)
        }
    }
}
