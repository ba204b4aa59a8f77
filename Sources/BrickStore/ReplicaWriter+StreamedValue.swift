import BerkeleyDB
import Foundation

/// A value read piece by piece from a bundle (docs/DESIGN.md, "Off-site copies"): a
/// segmented value (body kind 2, FORMAT.md §3) is cut into segment records as its
/// pieces come, so the replica host holds one segment of it, never the whole value.
extension ReplicaWriter {
    /// The stored value of the item whose row came last, given piece by piece: `read`
    /// passes each piece in order to its argument and returns once the pieces are
    /// known good (the bundle record's checksum). A segmented value goes into its own
    /// Berkeley DB transaction, its segments written as they come and its record last,
    /// committed only after `read` returned: a damaged or cut-off record leaves nothing.
    /// Any other value is collected and batched as `value(_:)` does. Returns the
    /// value's length in bytes.
    public func value(reading read: (_ sink: ([UInt8]) throws -> Void) throws -> Void) throws -> Int64 {
        guard let (folder, key) = lastItem else {
            throw StoreError.corrupt(user: store.user, detail: "a value without an item row before it")
        }
        var head: [UInt8] = []
        var segmented: SegmentedValueWriter?
        var length: Int64 = 0
        try read { piece in
            length += Int64(piece.count)
            if let segmented {
                try segmented.append(piece[...])
                return
            }
            head += piece
            guard let mainLength = Self.segmentedRecordLength(head), head.count >= mainLength else { return }
            try flushValues()
            let writer = try SegmentedValueWriter(
                store: store, database: store.database(for: location(of: folder)), key: Array(key.utf8), record: Array(head[..<mainLength]))
            try writer.append(head[mainLength...])
            head = []
            segmented = writer
        }
        if let segmented {
            try segmented.commit()
            lastItem = nil
        } else {
            try value(head)
        }
        return length
    }

    /// The length of the item record that starts `value` when it is a segmented value
    /// (body kind 2: header, keywords, frame length and segment count), nil when it is
    /// another kind or not enough of it is known yet (FORMAT.md §3).
    static func segmentedRecordLength(_ value: [UInt8]) -> Int? {
        guard value.count > ItemHeader.fixedSize, value[5] == 2 else { return nil }
        return ItemHeader.fixedSize + (Int(value[68]) | Int(value[69]) << 8) + 12
    }
}

/// One segmented value being written: segments of `SegmentKey.segmentSize` put as the
/// frame's bytes come, in one transaction that `commit` ends with the item's record.
final class SegmentedValueWriter {
    private let store: UserStore
    private let database: ItemFile
    private let key: [UInt8]
    private let record: [UInt8]
    private let transaction: Transaction
    private let old: [UInt8]?
    private var pending: [UInt8] = []
    private var segments: UInt32 = 0

    init(store: UserStore, database: ItemFile, key: [UInt8], record: [UInt8]) throws {
        self.store = store
        self.database = database
        self.key = key
        self.record = record
        (transaction, old) = try store.withBlobs {
            let transaction = try store.environment.beginTransaction()
            return (transaction, try database.get(key, in: transaction))
        }
        pending.reserveCapacity(SegmentKey.segmentSize + (1 << 20))
    }

    /// Adds frame bytes; every whole segment is written.
    func append(_ bytes: ArraySlice<UInt8>) throws {
        pending += bytes
        try store.withBlobs { try write(all: false) }
    }

    /// Writes the last segment, removes segments an older value of the key had beyond
    /// the new ones, writes the item's record and commits.
    func commit() throws {
        try store.withBlobs {
            try write(all: true)
            try store.deleteSegments(of: key, from: segments, oldValue: old, in: database, transaction: transaction)
            try database.put(key, record, in: transaction)
            try transaction.commit()
        }
    }

    private func write(all: Bool) throws {
        var start = 0
        while pending.count - start >= SegmentKey.segmentSize || (all && start < pending.count) {
            let end = min(start + SegmentKey.segmentSize, pending.count)
            try pending.withUnsafeBytes { bytes in
                try database.put(SegmentKey.key(item: key, index: segments), bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), in: transaction)
            }
            segments += 1
            start = end
        }
        pending.removeSubrange(0..<start)
    }
}
