import BerkeleyDB
import BrickCore
import Foundation

/// Reading an item's bytes piece by piece (docs/DESIGN.md "Memory"): a restore of a
/// large message holds one segment record and one LZ4 block, not the message.
extension UserStore {
    /// Opens the raw bytes of `item` for reading piece by piece. Each read takes the
    /// store's lock for the one segment it fetches; damage (a missing or short segment,
    /// a bad checksum, bytes that do not hash to the SHA-256) throws `damagedItem`, at
    /// the latest from the read that reaches the end.
    public func openBody(_ item: CatalogItem) throws(StoreError) -> any MessageByteStream {
        mutex.lock()
        defer { mutex.unlock() }
        let context = (folder: item.folderPath.description, key: item.key.rawValue)
        let reference = BodyReference(folderID: item.folderID, key: item.key)
        guard let value = try holderValue(reference) else {
            throw .itemNotFound(user: user, folder: context.folder, key: context.key)
        }
        do {
            let (header, holder, holderValue) = try resolveHolder(of: value, at: reference)
            guard header.sha256 == item.sha256 else {
                throw StoreError.damagedItem(
                    user: user, folder: context.folder, key: context.key,
                    detail: "stored value is of different bytes than the catalog row")
            }
            let reader = try frameReader(header: header, holder: holder, holderValue: holderValue, locking: true)
            return StoredBodyStream(reader: reader, size: header.rawSize) { [user] error in
                if let error = error as? StoreError { return error }
                return .damagedItem(user: user, folder: context.folder, key: context.key, detail: "\(error)")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .damagedItem(user: user, folder: context.folder, key: context.key, detail: "\(error)")
        }
    }

    /// The header of `value` (the value of `item`), the item holding its bytes and that
    /// item's value: the item itself, or the holder its reference names, whose SHA-256
    /// must be the same. Call with `mutex` held.
    func resolveHolder(of value: [UInt8], at item: BodyReference) throws -> (ItemHeader, BodyReference, [UInt8]) {
        let (header, body) = try ItemValue.decodeHeader(value)
        guard case .shared(let shared) = body else { return (header, item, value) }
        guard let holderBytes = try holderValue(shared) else {
            throw ItemValue.DecodingError.segmentLayout("the item holding its bytes (\(shared)) is missing")
        }
        let (holderHeader, holderBody) = try ItemValue.decodeHeader(holderBytes)
        guard holderBody.holdsBytes else { throw ItemValue.DecodingError.holderIsReference }
        guard holderHeader.sha256 == header.sha256 else {
            throw ItemValue.DecodingError.segmentLayout("the item holding its bytes (\(shared)) holds other bytes")
        }
        return (header, shared, holderBytes)
    }

    /// A reader of the bytes `holderValue`, the value of `holder`, holds (inline or in
    /// its segments), checked against `header`. With `locking`, each segment read
    /// takes `mutex` (for a reader used after this call returns); without, call it and
    /// use the reader with `mutex` held.
    func frameReader(header: ItemHeader, holder: BodyReference, holderValue: [UInt8], locking: Bool) throws -> FrameReader {
        switch try ItemValue.decodeHeader(holderValue).1 {
        case .inline(let offset):
            return try FrameReader(header: header, source: .inline(value: holderValue, offset: offset))
        case .shared:
            throw ItemValue.DecodingError.holderIsReference
        case .segmented(let frameLength, let segmentCount):
            let keyBytes = Array(holder.key.rawValue.utf8)
            let fetch: (UInt32) throws -> [UInt8]? = { [self] index in
                if locking { mutex.lock() }
                defer { if locking { mutex.unlock() } }
                return try readingItemFile(of: holder.folderID) { () throws(StoreError) -> [UInt8]? in
                    guard let database = try database(forFolderID: holder.folderID) else { return nil }
                    return try withBlobs { try database.get(SegmentKey.key(item: keyBytes, index: index)) }
                }
            }
            return try FrameReader(header: header, source: .segments(count: segmentCount, frameLength: frameLength, fetch: fetch))
        }
    }

    /// The whole raw bytes a value holds, read through a `FrameReader` (for a
    /// segmented value, whose frame is in its segments). Call with `mutex` held.
    func readWhole(header: ItemHeader, holder: BodyReference, holderValue: [UInt8]) throws -> [UInt8] {
        let reader = try frameReader(header: header, holder: holder, holderValue: holderValue, locking: false)
        // One byte to spare: the reader must return 0 (its checks passed) to end.
        var raw = [UInt8](repeating: 0, count: Int(clamping: header.rawSize) + 1)
        var filled = 0
        while true {
            let count = try raw.withUnsafeMutableBytes { bytes in
                try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled...]))
            }
            if count == 0 { break }
            filled += count
        }
        raw.removeSubrange(filled...)
        return raw
    }

    /// Deletes the segment records of `key` from index `first` on, as many as the
    /// value `old` (the key's value before this write, if any) says it had.
    func deleteSegments(of key: [UInt8], from first: UInt32, oldValue old: [UInt8]?, in database: ItemFile, transaction: Transaction) throws {
        guard let old, case .segmented(_, let count)? = try? ItemValue.decodeHeader(old).1, count > first else { return }
        for index in first..<count {
            _ = try database.delete(SegmentKey.key(item: key, index: index), in: transaction)
        }
    }
}

/// An item's bytes read from the store piece by piece (see `UserStore.openBody`).
final class StoredBodyStream: MessageByteStream, @unchecked Sendable {
    let size: UInt64
    private let reader: FrameReader
    private let lock = NSLock()
    private let failure: (any Error) -> StoreError

    init(reader: FrameReader, size: UInt64, failure: @escaping (any Error) -> StoreError) {
        self.reader = reader
        self.size = size
        self.failure = failure
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try lock.withLock {
            do { return try reader.read(into: buffer) } catch { throw failure(error) }
        }
    }

    func rewind() throws {
        try lock.withLock {
            do { try reader.rewind() } catch { throw failure(error) }
        }
    }
}
