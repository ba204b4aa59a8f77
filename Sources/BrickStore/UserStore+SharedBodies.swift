import BrickCore
import Foundation
import GRDB

/// Single storage of identical messages (docs/FORMAT.md §3 and §6).
///
/// A message moved or copied between folders arrives as a new item with the bytes of
/// one the store already holds. Its value is then a reference to the item holding
/// them (the holder), found by SHA-256 in the catalog. A holder is never itself a
/// reference, so reading takes at most one extra lookup. Purge keeps the rule: before
/// it removes a holder that live items still refer to, it moves the bytes into the
/// first of them and points the rest at that one.
extension UserStore {
    /// Turns the values of `prepared` items whose bytes are already stored (or appear
    /// earlier in the batch) into references. Items that already have a row keep their
    /// own bytes: their value may be the holder others refer to; their keys are
    /// returned. Committed rows are read on the reader the pipeline's writes do not
    /// hold up, and the rows of `inFlight` catalog transactions count as stored beside
    /// them. Call with `mutex` held.
    func shareKnownBodies(
        _ prepared: inout [PreparedItem], folder: StoredFolder, inFlight: [InFlightRows] = []
    ) throws(StoreError) -> Set<String> {
        let keys = prepared.map(\.item.key.rawValue)
        let keySet = Set(keys)
        let digests = Array(Set(prepared.map { Data($0.sha256) }))
        let lookUp = { (db: GRDB.Database) throws -> (Set<String>, [Data: BodyReference]) in
            var existing = Set<String>()
            try UserStore.inChunks(keys) { marks, values in
                existing.formUnion(try String.fetchAll(
                    db, sql: "SELECT key FROM items WHERE folder_id = ? AND key IN (\(marks))",
                    arguments: StatementArguments([folder.id] + values)))
            }
            var holders: [Data: BodyReference] = [:]
            try UserStore.inChunks(digests) { marks, values in
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT sha256, folder_id, key, body_folder_id, body_key FROM items WHERE sha256 IN (\(marks))",
                    arguments: StatementArguments(values))
                while let row = try rows.next() {
                    let digest: Data = row["sha256"]
                    guard holders[digest] == nil else { continue }
                    let reference = (row["body_folder_id"] as FolderID?).map { BodyReference(folderID: $0, key: ItemKey(row["body_key"] as String)) }
                        ?? BodyReference(folderID: row["folder_id"], key: ItemKey(row["key"] as String))
                    // An item of this batch that already has a row is rewritten below:
                    // its bytes may change, so nothing new may refer to it.
                    if reference.folderID == folder.id && keySet.contains(reference.key.rawValue) { continue }
                    holders[digest] = reference
                }
            }
            return (existing, holders)
        }
        var (existingKeys, holders) = try readCommittedRows(lookUp)
        for rows in inFlight {
            if rows.folderID == folder.id { existingKeys.formUnion(keySet.intersection(rows.keys)) }
            for digest in digests where holders[digest] == nil {
                guard let reference = rows.holders[digest],
                      !(reference.folderID == folder.id && keySet.contains(reference.key.rawValue))
                else { continue }
                holders[digest] = reference
            }
        }
        var known = holders
        for index in prepared.indices {
            let entry = prepared[index]
            let digest = Data(entry.sha256)
            let own = BodyReference(folderID: folder.id, key: entry.item.key)
            guard !existingKeys.contains(entry.item.key.rawValue), let holder = known[digest], holder != own else {
                if known[digest] == nil { known[digest] = own }
                continue
            }
            prepared[index].value = ItemValue.encode(header: entry.header, sharing: holder)
            prepared[index].sharedBody = holder
        }
        return existingKeys
    }

    /// The value holding the bytes `reference` names, or nil when it is not there.
    /// Call with `mutex` held.
    func holderValue(_ reference: BodyReference) throws(StoreError) -> [UInt8]? {
        try readingItemFile(of: reference.folderID) { () throws(StoreError) -> [UInt8]? in
            guard let database = try database(forFolderID: reference.folderID) else { return nil }
            return try withBlobs { try database.get(Array(reference.key.rawValue.utf8)) }
        }
    }

    /// Before a purge removes the items marked deleted before the cutoff, gives every
    /// holder among them that surviving items still refer to a successor: the first
    /// such item takes the bytes, the others are pointed at it. Values change first, in Berkeley DB transactions; the
    /// returned statements bring the catalog in line and must run in the purge's
    /// catalog transaction. Rerunning after a crash in between does the same again.
    /// Call with `mutex` held.
    func promoteSharedBodies(cutoffSeconds: Int64, now: Int64) throws(StoreError) -> [CatalogUpdate] {
        let rows = try readCatalog { db in
            try Row.fetchAll(db, sql: """
                SELECT r.folder_id, r.key, h.folder_id AS holder_folder, h.key AS holder_key FROM items r
                JOIN items h ON h.folder_id = r.body_folder_id AND h.key = r.body_key
                WHERE r.body_folder_id IS NOT NULL
                    AND \(UserStore.purgeableSQL("h", cutoff: cutoffSeconds, now: now))
                    AND NOT \(UserStore.purgeableSQL("r", cutoff: cutoffSeconds, now: now))
                ORDER BY h.folder_id, h.key, r.id
                """)
        }
        var updates: [CatalogUpdate] = []
        var index = 0
        var pending: [(BodyReference, [UInt8])] = []
        var pendingBytes = 0
        while index < rows.count {
            let holder = BodyReference(folderID: rows[index]["holder_folder"], key: ItemKey(rows[index]["holder_key"] as String))
            var group: [BodyReference] = []
            while index < rows.count, rows[index]["holder_folder"] == holder.folderID, rows[index]["holder_key"] == holder.key.rawValue {
                group.append(BodyReference(folderID: rows[index]["folder_id"], key: ItemKey(rows[index]["key"] as String)))
                index += 1
            }
            let (values, groupUpdates) = try handOver(from: holder, to: group)
            pending += values
            pendingBytes += values.reduce(0) { $0 + $1.1.count }
            updates += groupUpdates
            if pendingBytes >= 32 << 20 || pending.count >= 1_000 {
                try writeValues(pending)
                pending.removeAll()
                pendingBytes = 0
            }
        }
        try writeValues(pending)
        return updates
    }

    /// The value changes and catalog updates that give the bytes of `holder` to the
    /// first item of `referrers` and point the others at it. Safe to repeat after a
    /// crash between the values and the catalog: a successor that already holds bytes
    /// is not rewritten, and a holder whose value no longer holds the bytes the
    /// referrers were stored with (its SHA-256 differs) never hands them on.
    /// Call with `mutex` held.
    func handOver(from holder: BodyReference, to referrers: [BodyReference]) throws(StoreError) -> ([(BodyReference, [UInt8])], [CatalogUpdate]) {
        guard let successor = referrers.first, let successorValue = try holderValue(successor) else { return ([], []) }
        var values: [(BodyReference, [UInt8])] = []
        var updates: [CatalogUpdate] = []
        let (successorHeader, successorBody) = try withBlobs { try ItemValue.decodeHeader(successorValue) }
        if successorBody.holdsBytes {
            updates.append(.holds(successor, storedSize: try storedSize(of: successorValue)))
        } else {
            guard let holderBytes = try holderValue(holder),
                  try withBlobs({ try ItemValue.decodeHeader(holderBytes).0.sha256 }) == successorHeader.sha256
            else { return ([], []) }
            let promoted = try withBlobs { try ItemValue.replacingBody(of: successorValue, with: .frame(of: holderBytes)) }
            if case .segmented(_, let count) = try withBlobs({ try ItemValue.decodeHeader(holderBytes).1 }) {
                // A holder missing a segment has no bytes to hand on (verify reports it).
                guard try copySegments(count: count, from: holder, to: successor, value: promoted) else { return ([], []) }
            } else {
                values.append((successor, promoted))
            }
            updates.append(.holds(successor, storedSize: try storedSize(of: promoted)))
        }
        for referrer in referrers.dropFirst() {
            guard let value = try holderValue(referrer) else { continue }
            if case .shared(let current) = try withBlobs({ try ItemValue.decodeHeader(value).1 }), current == successor {
                updates.append(.refersTo(referrer, successor))
                continue
            }
            values.append((referrer, try withBlobs { try ItemValue.replacingBody(of: value, with: .reference(successor)) }))
            updates.append(.refersTo(referrer, successor))
        }
        return (values, updates)
    }

    /// Gives `successor` the `count` segment records of `holder`, copied one at a time,
    /// and its new `value`, all in one Berkeley DB transaction: the hand-over of a
    /// large item's bytes (docs/FORMAT.md §6). False, with nothing written, when a
    /// segment is missing. Call with `mutex` held.
    private func copySegments(count: UInt32, from holder: BodyReference, to successor: BodyReference, value: [UInt8]) throws(StoreError) -> Bool {
        try withBlobs {
            guard let source = try database(forFolderID: holder.folderID),
                  let target = try database(forFolderID: successor.folderID)
            else { return false }
            var complete = true
            let holderKey = Array(holder.key.rawValue.utf8)
            let successorKey = Array(successor.key.rawValue.utf8)
            try retryingDeadlocks {
                let transaction = try environment.beginTransaction()
                complete = true
                for index in 0..<count {
                    guard let segment = try source.get(SegmentKey.key(item: holderKey, index: index), in: transaction) else {
                        transaction.abort()
                        complete = false
                        return
                    }
                    try target.put(SegmentKey.key(item: successorKey, index: index), segment, in: transaction)
                }
                let old = try target.get(successorKey, in: transaction)
                try deleteSegments(of: successorKey, from: count, oldValue: old, in: target, transaction: transaction)
                try target.put(successorKey, value, in: transaction)
                try transaction.commit()
            }
            return complete
        }
    }

    /// The bytes an item's value takes in the store, its segments included.
    func storedSize(of value: [UInt8]) throws(StoreError) -> Int {
        if case .segmented(let frameLength, _) = try withBlobs({ try ItemValue.decodeHeader(value).1 }) {
            return Int(clamping: frameLength) + value.count
        }
        return value.count
    }

    /// A catalog change that follows a promotion.
    enum CatalogUpdate {
        /// The item now holds its own bytes, in a value of this size.
        case holds(BodyReference, storedSize: Int)
        /// The item's value now refers to another holder.
        case refersTo(BodyReference, BodyReference)

        /// Applies the change, stamping the item's `value_run` with `run` (the latest
        /// run when nil).
        func apply(_ db: GRDB.Database, run: RunID?) throws {
            switch self {
            case .holds(let item, let storedSize):
                try db.execute(
                    sql: """
                        UPDATE items SET body_folder_id = NULL, body_key = NULL, stored_size = ?,
                            value_run = COALESCE(?, \(UserStore.latestRunSQL)) WHERE folder_id = ? AND key = ?
                        """,
                    arguments: [storedSize, run, item.folderID, item.key.rawValue])
            case .refersTo(let item, let holder):
                try db.execute(
                    sql: """
                        UPDATE items SET body_folder_id = ?, body_key = ?, value_run = COALESCE(?, \(UserStore.latestRunSQL))
                        WHERE folder_id = ? AND key = ?
                        """,
                    arguments: [holder.folderID, holder.key.rawValue, run, item.folderID, item.key.rawValue])
            }
        }
    }

    /// Puts values in one Berkeley DB transaction. Call with `mutex` held.
    func writeValues(_ values: [(BodyReference, [UInt8])]) throws(StoreError) {
        guard !values.isEmpty else { return }
        try withBlobs {
            try retryingDeadlocks {
                let transaction = try environment.beginTransaction()
                for (reference, value) in values {
                    guard let database = try database(forFolderID: reference.folderID) else { continue }
                    try database.put(Array(reference.key.rawValue.utf8), value, in: transaction)
                }
                try transaction.commit()
            }
        }
    }
}

extension UserStore {
    /// Calls `body` for consecutive pieces of `values` of at most 500, with the piece's
    /// `?,?,…` list for an SQL `IN (…)` and its values to bind, so no statement exceeds
    /// SQLite's limit on bound parameters.
    static func inChunks(
        _ values: [some DatabaseValueConvertible], _ body: (_ marks: String, _ values: [(any DatabaseValueConvertible)?]) throws -> Void
    ) rethrows {
        for start in stride(from: 0, to: values.count, by: 500) {
            let piece = values[start..<min(start + 500, values.count)]
            try body(Array(repeating: "?", count: piece.count).joined(separator: ","), piece.map { $0 })
        }
    }
}
