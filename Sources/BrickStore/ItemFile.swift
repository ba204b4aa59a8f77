import BerkeleyDB
import Foundation

/// One folder's `items.db` as the store reads and writes it: Berkeley DB records,
/// sealed on the way in and opened on the way out when the store is sealed
/// (docs/FORMAT.md §10), so every reader and writer above sees the plain records of §3.
final class ItemFile {
    /// The Berkeley DB file underneath (for what needs the stored bytes as they are).
    let database: BerkeleyDB.Database
    /// The folder whose items it holds: sealed records are bound to it.
    let folderID: FolderID
    private let sealing: StoreSealing
    private let user: String
    private let sealBuffer: RecordBuffer

    /// `sealBuffer` is where records are sealed before Berkeley DB copies them: the
    /// store shares one among its item files.
    init(database: BerkeleyDB.Database, folderID: FolderID, sealing: StoreSealing, user: String, sealBuffer: RecordBuffer = RecordBuffer()) {
        self.database = database
        self.folderID = folderID
        self.sealing = sealing
        self.user = user
        self.sealBuffer = sealBuffer
    }

    /// Whether the handle is open.
    var isOpen: Bool { database.isOpen }
    /// The file, relative to the environment's data directory.
    var file: String { database.file }

    /// Stores the plain record `value` under `key`, sealed when the store is.
    func put(_ key: [UInt8], _ value: [UInt8], in transaction: Transaction) throws {
        try value.withUnsafeBytes { try put(key, bytes: $0, in: transaction) }
    }

    /// Stores the plain record in `value` (a buffer the caller owns, such as a segment's
    /// part of a larger array) under `key`: no copy of it in a plain store, sealed into
    /// the store's reused buffer in a sealed one.
    func put(_ key: [UInt8], bytes value: UnsafeRawBufferPointer, in transaction: Transaction) throws {
        switch sealing {
        case .plain:
            try database.put(key, bytes: value, in: transaction)
        case .open(let seal, _):
            try sealBuffer.with(count: value.count + ValueSeal.overhead) { sealed in
                try seal.seal(value, folder: folderID, recordKey: key, into: sealed)
                try database.put(key, bytes: UnsafeRawBufferPointer(sealed), in: transaction)
            }
        case .locked:
            throw StoreError.keyRequired(user: user)
        }
    }

    /// The plain record under `key`, or nil when there is none.
    func get(_ key: [UInt8], in transaction: Transaction? = nil) throws -> [UInt8]? {
        try database.withValue(key, in: transaction) { try plain($0, key: key) }
    }

    /// The plain record under `key`, from `reader` (the file's pages read in place,
    /// handed over where they lie) when it answers, else copied from Berkeley DB; nil
    /// when there is none.
    func record(_ key: [UInt8], through reader: DirectBtreeReader?) throws -> StoredRecord? {
        guard let reader, storesPlainRecords, let stored = reader.mappedValue(for: key) else {
            return try get(key).map(StoredRecord.bytes)
        }
        try stored.prefix(ValueSeal.markLength).withUnsafeBytes(refuseSealed)
        return .mapped(stored)
    }

    /// Whether records are stored as they are (a store without sealing).
    var storesPlainRecords: Bool {
        if case .plain = sealing { return true }
        return false
    }

    /// Whether a search by `key` finds its record (see `BerkeleyDB.Database.exists`).
    func contains(_ key: [UInt8]) throws -> Bool { try database.exists(key) }

    /// Deletes `key`; returns false when it was not there.
    @discardableResult
    func delete(_ key: [UInt8], in transaction: Transaction) throws -> Bool {
        try database.delete(key, in: transaction)
    }

    /// Throws for a sealed record found in a store without sealing.
    private func refuseSealed(_ stored: UnsafeRawBufferPointer) throws {
        if ValueSeal.isSealed(stored) { throw StoreError.sealing(detail: "a sealed record in a store without a sealing file") }
    }

    /// A cursor over the plain records in key order.
    func cursor(in transaction: Transaction? = nil) throws -> ItemCursor {
        ItemCursor(cursor: try database.cursor(in: transaction), file: self)
    }

    /// Compacts the btree (see `BerkeleyDB.Database.compact`).
    @discardableResult
    func compact() throws -> UInt32 { try database.compact() }

    /// Flushes cached pages of this file to disk.
    func sync() throws { try database.sync() }

    /// Closes the handle.
    func close() { database.close() }

    /// True when values are sealed and this process has no key.
    var isLocked: Bool {
        if case .locked = sealing { return true }
        return false
    }

    /// The plain record of the stored bytes in `stored` (Berkeley DB's buffer): copied
    /// out of a plain store, decrypted straight out of it in a sealed one.
    fileprivate func plain(_ stored: UnsafeRawBufferPointer, key: [UInt8]) throws -> [UInt8] {
        switch sealing {
        case .plain:
            try refuseSealed(stored)
            return Array(stored)
        case .open(let seal, _): return try seal.open(stored, folder: folderID, recordKey: key)
        case .locked: throw StoreError.keyRequired(user: user)
        }
    }
}

/// A cursor over an `ItemFile`'s plain records.
final class ItemCursor {
    private let cursor: Cursor
    private let file: ItemFile

    init(cursor: Cursor, file: ItemFile) {
        self.cursor = cursor
        self.file = file
    }

    /// The next record, opened, or nil past the last one.
    func next() throws -> (key: [UInt8], value: [UInt8])? {
        try cursor.next { key, stored in (key, try file.plain(stored, key: key)) }
    }

    /// The next record with its opened value, or the reason it does not open (for
    /// walks that report a damaged record and go on).
    func nextRecord() throws -> (key: [UInt8], value: Result<[UInt8], StoreError>)? {
        try cursor.next { key, stored in
            do {
                return (key, .success(try file.plain(stored, key: key)))
            } catch let error as StoreError {
                if case .keyRequired = error { throw error }
                return (key, .failure(error))
            }
        }
    }

    /// The next record as stored, without opening it.
    func nextStored() throws -> (key: [UInt8], value: [UInt8])? {
        try cursor.next()
    }

    /// Closes the cursor.
    func close() { cursor.close() }
}
