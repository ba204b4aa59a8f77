import BerkeleyDB
import Foundation

/// Values from a bundle, batched: each is cut into its Berkeley DB records and written
/// with the others in one transaction (docs/DESIGN.md, "Off-site copies").
extension ReplicaWriter {
    /// The stored value of the item whose row came last, bytes exactly as the primary
    /// holds them.
    public func value(_ bytes: [UInt8]) throws {
        guard let (folder, key) = lastItem else {
            throw StoreError.corrupt(user: store.user, detail: "a value without an item row before it")
        }
        values.append((folder, key, bytes))
        valueBytes += bytes.count
        lastItem = nil
        if valueBytes >= 8 << 20 { try flushValues() }
    }

    /// The Berkeley DB records of a logical value from a bundle: the value itself, or
    /// for body kind 2 its record followed by the frame, cut into segment records of
    /// `SegmentKey.segmentSize` (FORMAT.md §3, §8.5).
    static func records(key: [UInt8], logicalValue value: [UInt8]) -> [([UInt8], ArraySlice<UInt8>)] {
        guard value.count > ItemHeader.fixedSize, value[5] == 2,
            let keywordCount = Optional(Int(value[68]) | Int(value[69]) << 8),
            value.count >= ItemHeader.fixedSize + keywordCount + 12
        else { return [(key, value[...])] }
        let mainLength = ItemHeader.fixedSize + keywordCount + 12
        var out: [([UInt8], ArraySlice<UInt8>)] = [(key, value[..<mainLength])]
        var start = mainLength
        var index: UInt32 = 0
        while start < value.count {
            let end = min(start + SegmentKey.segmentSize, value.count)
            out.append((SegmentKey.key(item: key, index: index), value[start..<end]))
            start = end
            index += 1
        }
        return out
    }

    /// Writes the values waiting, in one Berkeley DB transaction. The segment records
    /// an older value of a key had beyond the new value's go with it (a segmented
    /// message replaced by a smaller one leaves none behind).
    func flushValues() throws {
        guard !values.isEmpty else { return }
        var targets: [FolderID: ItemFile] = [:]
        for entry in values where targets[entry.folder] == nil {
            targets[entry.folder] = try store.database(for: try location(of: entry.folder))
        }
        let batch = values
        try store.withBlobs {
            try store.retryingDeadlocks {
                let transaction = try store.environment.beginTransaction()
                for entry in batch {
                    let database = targets[entry.folder]!
                    let key = Array(entry.key.utf8)
                    let records = ReplicaWriter.records(key: key, logicalValue: entry.value)
                    let old = try database.get(key, in: transaction)
                    try store.deleteSegments(of: key, from: UInt32(records.count - 1), oldValue: old, in: database, transaction: transaction)
                    for (recordKey, bytes) in records {
                        try database.put(recordKey, Array(bytes), in: transaction)
                    }
                }
                try transaction.commit()
            }
        }
        values = []
        valueBytes = 0
    }
}
