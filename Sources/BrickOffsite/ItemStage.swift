import BerkeleyDB
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
    /// The value's stored size as its row gives it: how far into its folder's item file
    /// the value moves the reader, for the read-ahead of a full export.
    var valueSize: Int64 = 0
}

/// The value stage of an export (docs/DESIGN.md, "Three stages"): threads that take the
/// pages of item records from the thread reading catalog rows, each the next page
/// waiting, read the pages' values from their Berkeley DB files in parallel, and append
/// records and values to the bundle a page at a time in the pages' order. So Berkeley
/// DB's reads (page checksums, copies into its cache) run on both cores, apart from the
/// catalog rows and their coding, while `RecordPipe`'s thread hashes and writes.
///
/// At most `capacity` pages wait, and a thread keeps at most about `budget` bytes of
/// values read ahead of its page's turn, so memory stays bounded. The catalog thread
/// must not hold the catalog while it hands a page over (it reads rows a page at a
/// time): these threads read the catalog when they first open a folder's item file and
/// when they name a damaged one, and would otherwise wait for it forever.
final class ItemStage: @unchecked Sendable {
    /// A thread leaves because another failed or the stage was cancelled.
    private struct Stopped: Error {}

    private let store: UserStore
    private let writer: BundleWriter
    private let capacity: Int
    private let budget: Int
    private let condition = NSCondition()
    private var queue: [(index: Int, jobs: [ItemJob])] = []
    private var sent = 0
    private var turn = 0
    private var running: Int
    private var closed = false
    private var cancelled = false
    private var failure: (any Error)?
    private var valueCount = 0
    private var valueByteCount: Int64 = 0
    private let pageAppended: (@Sendable () -> Void)?

    /// Starts `threads` threads, which append to `writer` until `finish()` or `cancel()`;
    /// nothing else may use `writer` until then. `pageAppended`, if given, is called
    /// once for each page after its records and values are appended.
    init(
        store: UserStore, writer: BundleWriter, threads: Int = 2, capacity: Int = 4, budget: Int = 2 << 20,
        pageAppended: (@Sendable () -> Void)? = nil
    ) {
        self.store = store
        self.writer = writer
        self.pageAppended = pageAppended
        self.capacity = capacity
        self.budget = budget
        running = max(1, threads)
        for number in 0..<running {
            let thread = Thread { [self] in run() }
            thread.name = "export-values-\(number)"
            thread.start()
        }
    }

    /// Queues a page, waiting while `capacity` pages wait; throws a thread's error,
    /// if one had one.
    func send(_ batch: [ItemJob]) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append((sent, batch))
        sent += 1
        condition.broadcast()
    }

    /// Waits until every queued record is appended and stops the threads; returns the
    /// values appended and their bytes, or throws a thread's error.
    func finish() throws -> (values: Int, bytes: Int64) {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        if let failure { throw failure }
        return (valueCount, valueByteCount)
    }

    /// Stops the threads without appending what is still queued and waits for them,
    /// so the writer is free (to be abandoned) once this returns.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
        while running > 0 { condition.wait() }
    }

    private func run() {
        while let (index, batch) = next() {
            do {
                try process(batch, index: index)
            } catch {
                condition.lock()
                if failure == nil && !(error is Stopped) { failure = error }
                condition.broadcast()
                condition.unlock()
            }
        }
        condition.lock()
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// The next page and its place, nil once the stage is closed and empty, cancelled,
    /// or failed.
    private func next() -> (Int, [ItemJob])? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed && !cancelled && failure == nil { condition.wait() }
        guard !cancelled, failure == nil, !queue.isEmpty else { return nil }
        let page = queue.removeFirst()
        condition.broadcast()
        return page
    }

    /// Reads the values of page `index`, keeping them until the page before it is
    /// appended, then appends records and values; past `budget` bytes kept, it waits
    /// for its turn at once and appends the rest as it reads them.
    private func process(_ batch: [ItemJob], index: Int) throws {
        var kept: [(ItemJob, StoredValuePieces?)] = []
        var keptBytes = 0
        var ours = false
        for job in batch {
            let value = try job.value.map { try read($0.folder, $0.key) }
            if ours {
                try append(job, value)
                continue
            }
            kept.append((job, value))
            keptBytes += job.payload.count + Int(value?.mainCount ?? 0)
            if keptBytes >= budget {
                try awaitTurn(index)
                ours = true
                for (job, value) in kept { try append(job, value) }
                kept = []
            }
        }
        if !ours {
            try awaitTurn(index)
            for (job, value) in kept { try append(job, value) }
        }
        condition.lock()
        turn = index + 1
        condition.broadcast()
        condition.unlock()
        pageAppended?()
    }

    private func awaitTurn(_ index: Int) throws {
        condition.lock()
        defer { condition.unlock() }
        while turn != index && !cancelled && failure == nil { condition.wait() }
        if cancelled || failure != nil { throw Stopped() }
    }

    private func read(_ folder: FolderID, _ key: String) throws -> StoredValuePieces {
        // A value of body kind 2 goes as one record: its own bytes, then its segments'
        // (FORMAT.md §8.5), read when it is appended; memory holds one segment.
        guard let value = try store.storedValuePieces(folderID: folder, key: key) else {
            throw StoreError.itemNotFound(user: store.user, folder: "#\(folder)", key: key)
        }
        return value
    }

    private func append(_ job: ItemJob, _ value: StoredValuePieces?) throws {
        try writer.appendStreamed(job.type, length: UInt64(job.payload.count)) { write in try write(job.payload) }
        guard let value else { return }
        try writer.appendChunks(.value, length: value.length) { write in
            try value.forEach { record in
                switch record {
                case .bytes(let bytes): try write(.bytes(bytes))
                case .mapped(let mapped): try mapped.forEachSlice { try write(.borrowed(BorrowedBytes($0, keptBy: $1))) }
                }
            }
        }
        valueCount += 1
        valueByteCount += Int64(value.length)
    }
}
