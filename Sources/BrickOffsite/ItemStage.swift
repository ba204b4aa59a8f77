import BrickBundle
import BrickStore
import Foundation

/// One item's share of a bundle as the export's catalog thread hands it over: the
/// record of its row, and the item whose stored value follows that record, if any.
struct ItemJob {
    /// Item row (type 2) or item change (type 10).
    var type: BundleRecordType
    /// The record's payload: its fields, coded (`ItemRowCoder`).
    var payload: [UInt8]
    /// The folder and key of the value that follows the record (type 3), nil for none.
    var value: (folder: FolderID, key: String)?
}

/// The value stage of an export (docs/DESIGN.md, "Off-site copies"): a thread that takes
/// the item records in order from the thread reading catalog rows, appends each to the
/// bundle, then reads the item's value from its Berkeley DB file and appends it. So
/// Berkeley DB's reads (page checksums, copies into its cache) run apart from the
/// catalog rows and their coding, while `RecordPipe`'s thread hashes and writes.
///
/// At most `capacity` batches wait, so memory stays bounded. The catalog thread must not
/// hold the catalog while it hands a batch over (it reads rows a page at a time): this
/// thread reads the catalog when it first opens a folder's item file and when it names
/// a damaged one, and would otherwise wait for it forever.
final class ItemStage: @unchecked Sendable {
    private let store: UserStore
    private let writer: BundleWriter
    private let capacity: Int
    private let condition = NSCondition()
    private var queue: [[ItemJob]] = []
    private var closed = false
    private var cancelled = false
    private var done = false
    private var failure: (any Error)?
    private var valueCount = 0
    private var valueByteCount: Int64 = 0

    /// Starts the thread, which appends to `writer` until `finish()` or `cancel()`;
    /// nothing else may use `writer` until then.
    init(store: UserStore, writer: BundleWriter, capacity: Int = 4) {
        self.store = store
        self.writer = writer
        self.capacity = capacity
        let thread = Thread { [self] in run() }
        thread.name = "export-values"
        thread.start()
    }

    /// Queues a batch, waiting while `capacity` batches wait; throws the thread's
    /// error, if it had one.
    func send(_ batch: [ItemJob]) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(batch)
        condition.broadcast()
    }

    /// Waits until every queued record is appended and stops the thread; returns the
    /// values appended and their bytes, or throws the thread's error.
    func finish() throws -> (values: Int, bytes: Int64) {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        if let failure { throw failure }
        return (valueCount, valueByteCount)
    }

    /// Stops the thread without appending what is still queued and waits for it, so
    /// the writer is free (to be abandoned) once this returns.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
        while !done { condition.wait() }
    }

    private func run() {
        while let batch = next() {
            do {
                for job in batch { try append(job) }
            } catch {
                condition.lock()
                failure = error
                condition.broadcast()
                condition.unlock()
            }
        }
        condition.lock()
        done = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, nil once the stage is closed and empty, cancelled, or failed.
    private func next() -> [ItemJob]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed && !cancelled && failure == nil { condition.wait() }
        guard !cancelled, failure == nil, !queue.isEmpty else { return nil }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }

    private func append(_ job: ItemJob) throws {
        try writer.appendStreamed(job.type, length: UInt64(job.payload.count)) { write in try write(job.payload) }
        guard let (folder, key) = job.value else { return }
        // A value of body kind 2 goes as one record: its own bytes, then its segments'
        // (FORMAT.md §8.5); memory holds one segment.
        guard let value = try store.storedValuePieces(folderID: folder, key: key) else {
            throw StoreError.itemNotFound(user: store.user, folder: "#\(folder)", key: key)
        }
        try writer.appendStreamed(.value, length: value.length) { write in try value.forEach(write) }
        valueCount += 1
        valueByteCount += Int64(value.length)
    }
}
