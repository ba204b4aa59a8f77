import Crypto
import Foundation

/// One step of a bundle's byte stream as the writer hands it to its second thread.
enum RecordPiece {
    /// Bytes written as they are, outside any record (the bundle's header).
    case raw([UInt8])
    /// A record's head: starts the record's checksum, then is written.
    case head([UInt8])
    /// Payload bytes of the open record: hashed into its checksum, then written.
    case payload([UInt8])
    /// Payload bytes lent by their owner, hashed and written as `payload`'s.
    case borrowed(BorrowedBytes)
    /// Closes the open record: its checksum goes into the bundle digest and is written.
    case end
}

/// The second core of a bundle writer (docs/DESIGN.md, "Off-site copies"): the thread
/// that reads the store hands records over in batches, and this pipe's own thread hashes
/// them (each record's checksum, §8.2, and the bundle digest) and writes them to the output, so
/// reading values and hashing them run at the same time. At most `capacity` bytes wait
/// between the two threads, so memory stays bounded; the order of the bytes is the
/// order they were handed over.
final class RecordPipe: @unchecked Sendable {
    private let output: any BundleOutput
    private let capacity: Int
    private let condition = NSCondition()
    private var queue: [[RecordPiece]] = []
    private var queuedBytes = 0
    private var closed = false
    private var cancelled = false
    private var done = false
    private var failure: (any Error)?
    private var digest: SHA256
    private let record: RecordChecksum
    private var buffer: [UInt8] = []
    private static let flushThreshold = 256 << 10

    /// Starts the thread; `digest` already holds the header's checksum, and records
    /// get `record`'s kind of checksum.
    init(output: any BundleOutput, digest: SHA256, record: RecordChecksum, capacity: Int = 2 << 20) {
        self.output = output
        self.digest = digest
        self.record = record
        self.capacity = capacity
        buffer.reserveCapacity(RecordPipe.flushThreshold)
        let thread = Thread { [self] in run() }
        thread.name = "bundle-writer"
        thread.start()
    }

    /// Queues a batch of pieces of `bytes` bytes, waiting while the queue is full;
    /// throws the thread's write error, if one happened.
    func send(_ batch: [RecordPiece]) throws {
        let bytes = batch.reduce(0) { $0 + $1.count }
        condition.lock()
        defer { condition.unlock() }
        while queuedBytes > 0 && queuedBytes + bytes > capacity && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(batch)
        queuedBytes += bytes
        condition.broadcast()
    }

    /// Waits until everything queued is hashed and written, stops the thread and
    /// returns the bundle digest's state (to be finalized by the caller).
    func close() throws -> SHA256 {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        if let failure { throw failure }
        return digest
    }

    /// Stops the thread without writing what is still queued and waits for it, so the
    /// output is no longer touched once this returns.
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
                for piece in batch { try consume(piece) }
            } catch {
                condition.lock()
                failure = error
                condition.unlock()
            }
        }
        condition.lock()
        let finished = failure == nil && !cancelled
        condition.unlock()
        var flushFailure: (any Error)?
        if finished {
            do { try flush() } catch { flushFailure = error }
        }
        condition.lock()
        if failure == nil { failure = flushFailure }
        done = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, nil once the pipe is closed and empty, cancelled, or failed.
    private func next() -> [RecordPiece]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed && !cancelled && failure == nil { condition.wait() }
        guard !cancelled, failure == nil, !queue.isEmpty else { return nil }
        let batch = queue.removeFirst()
        queuedBytes -= batch.reduce(0) { $0 + $1.count }
        condition.broadcast()
        return batch
    }

    private func consume(_ piece: RecordPiece) throws {
        switch piece {
        case .raw(let bytes):
            try emit(bytes)
        case .head(let bytes):
            try record.start(head: bytes)
            try emit(bytes)
        case .payload(let bytes):
            try record.update(bytes)
            try emit(bytes)
        case .borrowed(let borrowed):
            try withExtendedLifetime(borrowed.owner) {
                try record.update(borrowed.bytes)
                try emit(borrowed.bytes)
            }
        case .end:
            let sum = record.finish()
            digest.update(data: sum)
            try emit(sum)
        }
    }

    private func emit(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try emit($0) }
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        if bytes.count >= RecordPipe.flushThreshold {
            try flush()
            try output.write(bytes)
            return
        }
        if buffer.count + bytes.count > RecordPipe.flushThreshold { try flush() }
        buffer.append(contentsOf: bytes)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try output.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }
}

extension RecordPiece {
    /// Bytes the piece holds (what it counts against the pipe's capacity).
    var count: Int {
        switch self {
        case .raw(let bytes), .head(let bytes), .payload(let bytes): bytes.count
        case .borrowed(let borrowed): borrowed.bytes.count
        case .end: 0
        }
    }
}
