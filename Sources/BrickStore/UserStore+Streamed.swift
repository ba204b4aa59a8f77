import BerkeleyDB
import BrickCore
import BrickMessage
import Crypto
import Foundation
import GRDB
import LZ4

/// Writing a message too large to hold in memory (docs/FORMAT.md §3, body kind 2):
/// its bytes are read piece by piece, hashed and compressed on the way, and the LZ4
/// frame goes into segment records of `SegmentKey.segmentSize`; the item's own record,
/// which carries the SHA-256 known only at the end, is written last, in the same
/// Berkeley DB transaction.
extension UserStore {
    /// Bytes of a message's start parsed for its catalog row (From, Subject, …).
    static let summaryPrefix = MessageSummary.headerPrefix

    /// Writes `item`'s segments and value to `database` in one transaction, committed
    /// with the log flushed, and returns it as a prepared item for its catalog row.
    /// When the store already holds the same bytes in another item, and the key has no
    /// row yet, the item is written as a reference to that one instead (the segments
    /// written are abandoned with their transaction). Rereads the stream from its start
    /// when the transaction must be retried. Call with `mutex` held, inside `withBlobs`.
    func writeStreamed(
        _ item: StreamedItem, folder: StoredFolder, database: ItemFile, hasRow: Bool
    ) throws -> PreparedItem {
        var prepared: PreparedItem?
        try retryingDeadlocks {
            let transaction = try environment.beginTransaction()
            var entry = try writeSegments(item, database: database, in: transaction)
            if !hasRow, let holder = try knownHolder(of: entry.sha256, excluding: BodyReference(folderID: folder.id, key: item.key)) {
                transaction.abort()
                let keyBytes = Array(item.key.rawValue.utf8)
                let shared = ItemValue.encode(header: entry.header, sharing: holder)
                let retry = try environment.beginTransaction()
                try deleteSegments(of: keyBytes, from: 0, oldValue: try database.get(keyBytes, in: retry), in: database, transaction: retry)
                try database.put(keyBytes, shared, in: retry)
                try retry.commit()
                entry.value = shared
                entry.sharedBody = holder
                entry.storedBytes = nil
            } else {
                try transaction.commit()
            }
            prepared = entry
        }
        return prepared!
    }

    /// Streams `item` into segment records and its value in `transaction`.
    private func writeSegments(_ item: StreamedItem, database: ItemFile, in transaction: Transaction) throws -> PreparedItem {
        let keyBytes = Array(item.key.rawValue.utf8)
        let old = try database.get(keyBytes, in: transaction)
        let size = item.body.size
        let encoder = try LZ4FrameEncoder(contentSize: size)
        var hasher = SHA256()
        var head: [UInt8] = []
        var pending: [UInt8] = []
        pending.reserveCapacity(SegmentKey.segmentSize * 2)
        var segments: UInt32 = 0
        var frameLength: UInt64 = 0
        var rawBytes: UInt64 = 0
        func flush(all: Bool) throws {
            var start = 0
            while pending.count - start >= SegmentKey.segmentSize || (all && start < pending.count) {
                let end = min(start + SegmentKey.segmentSize, pending.count)
                try pending.withUnsafeBytes { bytes in
                    try database.put(SegmentKey.key(item: keyBytes, index: segments), bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), in: transaction)
                }
                frameLength += UInt64(end - start)
                segments += 1
                start = end
            }
            pending.removeSubrange(0..<start)
        }
        try encoder.begin(appendingTo: &pending)
        try item.body.forEachChunk { chunk in
            rawBytes += UInt64(chunk.count)
            guard rawBytes <= size else { throw StreamedItemError.sizeChanged(expected: size) }
            if head.count < UserStore.summaryPrefix {
                head.append(contentsOf: chunk.prefix(UserStore.summaryPrefix - head.count))
            }
            hasher.update(bufferPointer: chunk)
            try encoder.update(chunk, appendingTo: &pending)
            try flush(all: false)
        }
        guard rawBytes == size else { throw StreamedItemError.sizeChanged(expected: size) }
        try encoder.end(appendingTo: &pending)
        try flush(all: true)
        try deleteSegments(of: keyBytes, from: segments, oldValue: old, in: database, transaction: transaction)
        let header = ItemHeader(
            flags: item.flags, internalDate: Int64(item.internalDate.timeIntervalSince1970.rounded(.down)),
            rawSize: size, uid: item.uid ?? 0, modSeq: item.modSeq ?? 0, sha256: Array(hasher.finalize()))
        let value = ItemValue.encode(header: header, frameLength: frameLength, segmentCount: segments)
        try database.put(keyBytes, value, in: transaction)
        let sourceItem = SourceItem(
            key: item.key, flags: item.flags, internalDate: item.internalDate, uid: item.uid, modSeq: item.modSeq,
            raw: [], emailID: item.emailID)
        return PreparedItem(
            item: sourceItem, summary: MessageSummary(parsing: head), header: header, value: value,
            storedBytes: Int(clamping: frameLength) + value.count)
    }

    /// The item holding bytes with SHA-256 `sha256` in the catalog, other than `own`.
    /// Call with `mutex` held.
    private func knownHolder(of sha256: [UInt8], excluding own: BodyReference) throws -> BodyReference? {
        try readCatalog { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT folder_id, key, body_folder_id, body_key FROM items WHERE sha256 = ?", arguments: [Data(sha256)])
            while let row = try rows.next() {
                let reference = (row["body_folder_id"] as FolderID?).map { BodyReference(folderID: $0, key: ItemKey(row["body_key"] as String)) }
                    ?? BodyReference(folderID: row["folder_id"], key: ItemKey(row["key"] as String))
                if reference != own { return reference }
            }
            return nil
        }
    }
}

/// A streamed message that did not yield the bytes it announced.
public enum StreamedItemError: Error, CustomStringConvertible {
    /// The stream gave more or fewer bytes than its size: the message changed.
    case sizeChanged(expected: UInt64)

    public var description: String {
        switch self {
        case .sizeChanged(let expected): return "the message changed while it was read (expected \(expected) bytes)"
        }
    }
}
