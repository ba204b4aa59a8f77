import BerkeleyDB
import BrickCalendar
import BrickCore
import BrickMessage
import Crypto
import Foundation
import GRDB
import LZ4

extension UserStore {
    /// Commits one batch of changes to `folder`: `prepare(_:for:)`, then
    /// `commit(_:to:run:)` of the prepared batch.
    public func commit(_ batch: ChangeBatch, to folder: StoredFolder, run: RunHandle) throws(StoreError) -> BatchOutcome {
        try commit(try prepare(batch, for: folder), to: folder, run: run)
    }

    /// Hashes, compresses and parses the new items of `batch` for `folder`, on all
    /// cores but one and without the store's lock; touches nothing on disk.
    public func prepare(_ batch: ChangeBatch, for folder: StoredFolder) throws(StoreError) -> PreparedBatch {
        var batch = batch
        // A large message that arrived whole is written in segments all the same.
        let large = batch.added.filter { UInt64($0.raw.count) > StreamedItem.threshold }
        var largeDAVSummaries: [ItemKey: DAVItemSummary] = [:]
        if folder.davHref != nil {
            for item in large { largeDAVSummaries[item.key] = DAVItemParser.summarize(item.raw) }
        }
        if !large.isEmpty {
            batch.added.removeAll { UInt64($0.raw.count) > StreamedItem.threshold }
            batch.streamed += large.map {
                StreamedItem(
                    key: $0.key, flags: $0.flags, internalDate: $0.internalDate, uid: $0.uid, modSeq: $0.modSeq,
                    body: InMemoryByteStream($0.raw), emailID: $0.emailID)
            }
        }
        let indexText = try indexesText
        let items = try prepare(batch.added, folder: folder, indexText: indexText)
        batch.added = []
        return PreparedBatch(batch: batch, items: items, largeDAVSummaries: largeDAVSummaries, indexText: indexText)
    }

    /// Commits one prepared batch to `folder` and waits for its catalog transaction:
    /// `commitValues(_:to:run:after:)`, then `CatalogCommit.wait()`.
    public func commit(_ preparedBatch: PreparedBatch, to folder: StoredFolder, run: RunHandle) throws(StoreError) -> BatchOutcome {
        try commitValues(preparedBatch, to: folder, run: run).wait()
    }

    /// Commits one prepared batch to `folder`, following the store's write order
    /// (docs/FORMAT.md §6): item values in one Berkeley DB transaction, flushed; then
    /// catalog rows, flag changes, deletions and the new sync token in one SQLite
    /// transaction. A crash between the two leaves values with no row, which the next
    /// run overwrites and `verify` reports; it never leaves a row without its value.
    /// An item whose bytes the store already holds is written as a reference to them.
    ///
    /// Returns once the values are durable, with the catalog transaction handed to the
    /// store's catalog pipeline: it commits after every one handed over before it, and
    /// fails, writing nothing, when the transaction of `previous` failed. The next
    /// batch's values are written meanwhile; its body sharing sees this batch's rows
    /// before they are committed (docs/DESIGN.md, "The commit pipeline").
    public func commitValues(
        _ preparedBatch: PreparedBatch, to folder: StoredFolder, run: RunHandle, after previous: CatalogCommit? = nil
    ) throws(StoreError) -> CatalogCommit {
        if let error = previous?.failure { throw error }
        let batch = preparedBatch.batch
        let largeDAVSummaries = preparedBatch.largeDAVSummaries
        var prepared = preparedBatch.items
        let indexText = preparedBatch.indexText
        mutex.lock()
        defer { mutex.unlock() }
        var inFlight = catalogPipeline.inFlight.map(\.rows)
        if !batch.streamed.isEmpty || !batch.copied.isEmpty || inFlight.contains(where: { !$0.onlyAdds }) {
            // Large items and copies read their holders from committed rows only.
            catalogPipeline.drain()
            inFlight = []
        }
        var existingKeys = prepared.isEmpty ? [] : try shareKnownBodies(&prepared, folder: folder, inFlight: inFlight)
        if !existingKeys.isEmpty && !inFlight.isEmpty {
            // Rewritten items hand their bytes to referrers found in committed rows only.
            catalogPipeline.drain()
            inFlight = []
            prepared = preparedBatch.items
            existingKeys = try shareKnownBodies(&prepared, folder: folder, inFlight: [])
        }
        let streamedWithRows = try keysWithRows(batch.streamed.map(\.key), folder: folder)
        let (handedOver, holderUpdates) = try handOverRewrittenHolders(
            prepared, existingKeys: existingKeys, streamedWithRows: streamedWithRows, folder: folder)
        prepared += try prepareCopies(batch.copied, folder: folder)
        if !prepared.isEmpty || !handedOver.isEmpty {
            let database = try database(for: folder)
            var referrers: [BodyReference: ItemFile] = [:]
            for (reference, _) in handedOver { referrers[reference] = try self.database(forFolderID: reference.folderID) }
            try withBlobs {
                try retryingDeadlocks {
                    let transaction = try environment.beginTransaction()
                    for (reference, value) in handedOver {
                        try referrers[reference]?.put(Array(reference.key.rawValue.utf8), value, in: transaction)
                    }
                    for entry in prepared {
                        let keyBytes = Array(entry.item.key.rawValue.utf8)
                        if existingKeys.contains(entry.item.key.rawValue) {
                            // A large item's value before: its segments go with it.
                            let old = try database.get(keyBytes, in: transaction)
                            try deleteSegments(of: keyBytes, from: 0, oldValue: old, in: database, transaction: transaction)
                        }
                        try database.put(keyBytes, entry.value, in: transaction)
                    }
                    try transaction.commit()
                }
                try checkpointIfDue(adding: prepared.reduce(0) { $0 + $1.value.count })
            }
        }
        if !batch.streamed.isEmpty {
            // Values first, each large item in its own transaction, before any row.
            let database = try database(for: folder)
            try withBlobs {
                for item in batch.streamed {
                    var entry = try writeStreamed(item, folder: folder, database: database, hasRow: streamedWithRows.contains(item.key.rawValue))
                    entry.dav = largeDAVSummaries[item.key]
                    prepared.append(entry)
                    try checkpointIfDue(adding: entry.storedBytes ?? entry.value.count)
                }
            }
        }
        // The rows need the values' sizes, not their bytes.
        for index in prepared.indices {
            prepared[index].storedBytes = prepared[index].storedBytes ?? prepared[index].value.count
            prepared[index].value = []
        }
        let rows = InFlightRows(
            folderID: folder.id, keys: Set(prepared.map(\.item.key.rawValue)),
            holders: Dictionary(
                prepared.map { (Data($0.sha256), $0.sharedBody ?? BodyReference(folderID: folder.id, key: $0.item.key)) },
                uniquingKeysWith: { first, _ in first }),
            onlyAdds: existingKeys.isEmpty && streamedWithRows.isEmpty && holderUpdates.isEmpty)
        let rowsToWrite = prepared
        // Large items' streams and copies are written: the transaction keeps none of them.
        var changes = batch
        changes.streamed = []
        changes.copied = []
        let commit = CatalogCommit(rows: rows, after: previous) { [changes] (db) throws(StoreError) -> BatchOutcome in
            do {
                return try self.commitCatalog(
                    db, rowsToWrite, holderUpdates: holderUpdates, batch: changes, folder: folder, run: run, indexText: indexText)
            } catch let error as StoreError {
                throw error
            } catch {
                throw self.catalogFailure(error, in: db)
            }
        }
        catalogPipeline.submit(commit) { work throws(StoreError) in try self.withCatalog(work) }
        return commit
    }

    /// The catalog work of a batch whose values are durable, inside the pipeline's
    /// transaction: holder updates, rows, flag changes, deletions and the sync token.
    private func commitCatalog(
        _ db: GRDB.Database, _ prepared: [PreparedItem], holderUpdates: [CatalogUpdate], batch: ChangeBatch,
        folder: StoredFolder, run: RunHandle, indexText: Bool
    ) throws -> BatchOutcome {
        var outcome = BatchOutcome()
        for update in holderUpdates { try update.apply(db, run: run.id) }
        if batch.retirePresentItems {
            try db.execute(
                sql: "UPDATE items SET deleted_run = ?, deleted_at = ? WHERE folder_id = ? AND deleted_run IS NULL",
                arguments: [run.id, run.time, folder.id])
            outcome.deleted += db.changesCount
        }
        for entry in prepared {
            if try insertRow(db, entry, folder: folder.id, run: run) {
                outcome.added += 1
                outcome.bytes += Int64(entry.rawSize)
                if let dav = entry.dav { outcome.dav.count(dav.kind.rawValue, \.added) }
            } else if let dav = entry.dav {
                // A calendar or contact item is fetched again only when its ETag changed.
                outcome.updated += 1
                outcome.bytes += Int64(entry.rawSize)
                outcome.dav.count(dav.kind.rawValue, \.changed)
            }
            if let problems = entry.dav?.problems, !problems.isEmpty {
                outcome.notes.append(
                    "\(folder.path): \(entry.item.key.rawValue) kept as served but not valid: \(problems.joined(separator: "; "))")
            }
            if indexText { try UserStore.storeText(db, entry.text, folder: folder.id, key: entry.item.key.rawValue, sha256: entry.sha256) }
        }
        let flagUpdate = try db.cachedStatement(sql: """
            UPDATE items SET flags = ?, modseq = COALESCE(?, modseq), updated_run = ?, updated_at = ?
            WHERE folder_id = ? AND key = ? AND flags != ?
            """)
        for change in batch.flagChanges {
            let text = change.flags.description
            try flagUpdate.execute(arguments: [
                text, change.modSeq.map { Int64(bitPattern: $0) }, run.id, run.time, folder.id, change.key.rawValue, text,
            ])
            outcome.updated += db.changesCount
        }
        // RETURNING hands back the kind of the row it marked, so a calendar or contact
        // item is counted by kind without reading its row again.
        let markDeleted = try db.cachedStatement(sql: """
            UPDATE items SET deleted_run = ?, deleted_at = ? WHERE folder_id = ? AND key = ? AND deleted_run IS NULL
            RETURNING kind
            """)
        for key in batch.vanished {
            guard let marked = try Row.fetchOne(markDeleted, arguments: [run.id, run.time, folder.id, key.rawValue]) else { continue }
            outcome.deleted += 1
            if folder.davHref != nil { outcome.dav.count(marked[0] as String?, \.deleted) }
        }
        if let token = batch.token {
            try db.execute(
                sql: "UPDATE folders SET sync_token = ?, updated_run = ? WHERE id = ? AND sync_token IS NOT ?",
                arguments: [token, run.id, folder.id, token])
        }
        return outcome
    }

    /// Inserts or refreshes one item's row; true when the item is new to the store or
    /// comes back after being marked deleted.
    private func insertRow(_ db: GRDB.Database, _ entry: PreparedItem, folder: FolderID, run: RunHandle) throws -> Bool {
        let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT deleted_run FROM items WHERE folder_id = ? AND key = ?"),
            arguments: [folder, entry.item.key.rawValue])
        let item = entry.item
        if sealsCatalogText && sealing.textSeal == nil { throw StoreError.keyRequired(user: user) }
        let arguments = try UserStore.summaryArguments(entry, seal: sealing.textSeal, folder: folder) + [
            Int64(item.internalDate.timeIntervalSince1970.rounded(.down)), entry.rawSize, entry.storedBytes ?? entry.value.count,
            item.flags.description, Data(entry.sha256), entry.sharedBody?.folderID, entry.sharedBody?.key.rawValue, item.emailID,
        ]
        if existing == nil {
            try db.cachedStatement(sql: """
                INSERT INTO items(uid, modseq, message_id, from_addr, from_domain, from_name, to_addrs, cc_addrs,
                    subject, sealed_text, from_addr_mac, from_domain_mac, sent_at, kind, item_uid, ends_at, open_ended,
                    received_at, size, stored_size, flags, sha256, body_folder_id, body_key, email_id,
                    folder_id, key, added_run, added_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ).execute(arguments: arguments + [folder, item.key.rawValue, run.id, run.time])
            return true
        }
        try db.cachedStatement(sql: """
            UPDATE items SET uid = ?, modseq = ?, message_id = ?, from_addr = ?, from_domain = ?, from_name = ?,
                to_addrs = ?, cc_addrs = ?, subject = ?, sealed_text = ?, from_addr_mac = ?, from_domain_mac = ?,
                sent_at = ?, kind = ?, item_uid = ?, ends_at = ?, open_ended = ?, received_at = ?, size = ?, stored_size = ?,
                flags = ?, sha256 = ?, body_folder_id = ?, body_key = ?, email_id = ?, updated_run = ?, updated_at = ?,
                value_run = ?, deleted_run = NULL, deleted_at = NULL
            WHERE folder_id = ? AND key = ?
            """
        ).execute(arguments: arguments + [run.id, run.time, run.id, folder, item.key.rawValue])
        return existing?["deleted_run"] as RunID? != nil
    }

    /// Checkpoints the environment once 64 MB of values were written since the last
    /// one. Log files go only at a checkpoint: without one every 64 MB, a first backup
    /// would keep a second copy of everything in the log until it ends.
    private func checkpointIfDue(adding bytes: Int) throws {
        bytesSinceCheckpoint += bytes
        if bytesSinceCheckpoint >= 64 << 20 {
            try environment.checkpoint()
            bytesSinceCheckpoint = 0
        }
    }

    /// Of `keys`, those that have a row in `folder`. Call with `mutex` held.
    private func keysWithRows(_ keys: [ItemKey], folder: StoredFolder) throws(StoreError) -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try readCatalog { db in
            var found = Set<String>()
            try UserStore.inChunks(keys.map(\.rawValue)) { marks, values in
                found.formUnion(try String.fetchAll(
                    db, sql: "SELECT key FROM items WHERE folder_id = ? AND key IN (\(marks))",
                    arguments: StatementArguments([folder.id] + values)))
            }
            return found
        }
    }

    /// Parses, hashes and compresses new items, on all cores but one: the batch before
    /// is being written meanwhile (`StoreSink`), and its writing thread, which bounds a
    /// full backup, keeps a core of its own (docs/BENCHMARKS.md, "Where a full backup
    /// waits").
    private func prepare(_ items: [SourceItem], folder: StoredFolder, indexText: Bool) throws(StoreError) -> [PreparedItem] {
        guard !items.isEmpty else { return [] }
        let results = UnsafeResultBuffer<PreparedItem>(count: items.count)
        let workers = min(items.count, max(1, ProcessInfo.processInfo.activeProcessorCount - 1))
        let isDAV = folder.davHref != nil
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let compressor = LZ4Frame()
            var index = worker
            while index < items.count {
                let item = items[index]
                results.set(index) {
                    let sha = Array(SHA256.hash(data: item.raw))
                    let header = ItemHeader(
                        flags: item.flags, internalDate: Int64(item.internalDate.timeIntervalSince1970.rounded(.down)),
                        rawSize: UInt64(item.raw.count), uid: item.uid ?? 0, modSeq: item.modSeq ?? 0, sha256: sha)
                    let value = try ItemValue.encode(header: header, raw: item.raw, compressor: compressor)
                    // The raw bytes are not needed past here: the value holds them, so a
                    // batch waiting for its write keeps them once, not twice.
                    var kept = item
                    kept.raw = []
                    return PreparedItem(
                        item: kept, summary: MessageSummary(parsing: item.raw), header: header, value: value,
                        text: indexText ? MessageText.extract(item.raw) : nil,
                        dav: isDAV ? DAVItemParser.summarize(item.raw) : nil)
                }
                index += workers
            }
        }
        do {
            return try results.collect()
        } catch {
            throw .blobStore(user: user, underlying: error)
        }
    }

    /// Runs a Berkeley DB transaction body again when the deadlock detector chose it as
    /// the victim (a reader's cursor held a page it needed); the failed attempt was
    /// aborted when its transaction was released.
    func retryingDeadlocks(_ body: () throws -> Void) throws {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as BerkeleyDBError where error.isDeadlock && attempt < 8 {
                attempt += 1
                usleep(UInt32(1_000 << attempt))
            }
        }
    }

    /// The lowercased domain of an address, for `@domain` queries.
    static func domain(of address: String) -> String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let domain = address[address.index(after: at)...]
        return domain.isEmpty ? nil : domain.lowercased()
    }
}

/// Results written by concurrent workers, each to its own slot.
final class UnsafeResultBuffer<T>: @unchecked Sendable {
    private var slots: [Result<T, any Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ body: () throws -> T) {
        let result = Result { try body() }
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    func collect() throws -> [T] { try slots.map { try $0!.get() } }
}
