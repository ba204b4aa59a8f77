import BrickBundle
import Foundation
import Testing

/// An output that fails once `limit` bytes were written, and counts writes that arrive
/// after the test abandoned it.
final class LimitedOutput: BundleOutput, @unchecked Sendable {
    struct Full: Error, Equatable {}
    private let lock = NSLock()
    private let limit: Int
    private var written = 0
    private var abandoned = false
    private var lateWrites = 0

    init(limit: Int) { self.limit = limit }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        lock.lock()
        defer { lock.unlock() }
        if abandoned { lateWrites += 1 }
        guard written + bytes.count <= limit else { throw Full() }
        written += bytes.count
    }

    /// Marks the output abandoned; returns the writes seen after it.
    func abandon() { lock.withLock { abandoned = true } }
    var writesAfterAbandon: Int { lock.withLock { lateWrites } }
}

/// The writer hashes and writes on its own thread: the bytes and their order are those
/// of the records handed over, whatever the queue's size, and the output's errors reach
/// the caller.
@Suite struct BundleWriterThreadTests {
    @Test func aBundleLargerThanTheQueueBetweenTheThreadsComesBackExactly() throws {
        let output = BundleMemoryOutput()
        let writer = try BundleWriter(header: BundleSamples.header(), output: output)
        var fields = BundleFields()
        for number in 0..<2_000 {
            fields.set(1, Int64(number))
            try writer.append(BundleSamples.folder, fields)
        }
        let payload = BundleSamples.pattern(12 << 20)
        try writer.appendStreamed(BundleSamples.value, length: UInt64(payload.count)) { write in
            for start in stride(from: 0, to: payload.count, by: 1 << 20) {
                try write(Array(payload[start..<min(payload.count, start + (1 << 20))]))
            }
        }
        let trailer = try writer.finish()

        let bundles = try BundleSamples.readAll(BundleMemoryInput(output.bytes))
        try #require(bundles.count == 1)
        #expect(bundles[0].1.count == 2_001)
        #expect(bundles[0].1.last == BundleSamples.value.rawValue)
        #expect(bundles[0].2 == payload)
        #expect(bundles[0].3?.digest == trailer.digest)
        #expect(trailer.counts == [1: 2_000, 3: 1])
    }

    /// Memory lent to the writer, freed when its owner goes.
    private final class LentMemory {
        let bytes: UnsafeMutableRawBufferPointer
        let released: NSLock
        init(_ source: [UInt8], released: NSLock) {
            bytes = .allocate(byteCount: source.count, alignment: 16)
            bytes.copyBytes(from: source)
            self.released = released
        }
        deinit {
            bytes.deallocate()
            released.unlock()
        }
    }

    @Test func borrowedChunksAreWrittenAsCopiedOnesAndTheirOwnersLetGoOnceWritten() throws {
        let payload = BundleSamples.pattern(5 << 20 + 123)
        let pieces = stride(from: 0, to: payload.count, by: 16_000).map { Array(payload[$0..<min(payload.count, $0 + 16_000)]) }
        var bundles: [[UInt8]] = []
        var owners: [NSLock] = []
        for borrowing in [false, true] {
            let output = BundleMemoryOutput()
            let writer = try BundleWriter(header: BundleSamples.header(), output: output)
            try writer.appendChunks(BundleSamples.value, length: UInt64(payload.count)) { write in
                for piece in pieces {
                    guard borrowing else {
                        try write(.bytes(piece))
                        continue
                    }
                    let released = NSLock()
                    released.lock()
                    owners.append(released)
                    let memory = LentMemory(piece, released: released)
                    try write(.borrowed(BorrowedBytes(UnsafeRawBufferPointer(memory.bytes), keptBy: memory)))
                }
            }
            try writer.finish()
            bundles.append(output.bytes)
        }
        #expect(owners.count == pieces.count)
        #expect(owners.allSatisfy { $0.try() }, "every lent piece is let go of once the bundle is written")
        #expect(bundles[0] == bundles[1], "the same bytes, checksums and digest")
        let read = try BundleSamples.readAll(BundleMemoryInput(bundles[1]))
        #expect(read.first?.2 == payload)
    }

    @Test func aWriteErrorOnTheWritingThreadIsThrownToTheCaller() throws {
        let output = LimitedOutput(limit: 1 << 20)
        let writer = try BundleWriter(header: BundleSamples.header(), output: output)
        let chunk = BundleSamples.pattern(64 << 10)
        #expect(throws: LimitedOutput.Full()) {
            try writer.appendStreamed(BundleSamples.value, length: 64 << 20) { write in
                for _ in 0..<1_024 { try write(chunk) }
            }
            try writer.finish()
        }
    }

    @Test func anAbandonedWriterNoLongerTouchesItsOutputOnceReleased() throws {
        let output = LimitedOutput(limit: .max)
        do {
            let writer = try BundleWriter(header: BundleSamples.header(), output: output)
            let chunk = BundleSamples.pattern(64 << 10)
            try writer.appendStreamed(BundleSamples.value, length: UInt64(100 * chunk.count)) { write in
                for _ in 0..<100 { try write(chunk) }
            }
        }
        output.abandon()
        // A new writer's thread going through a whole bundle: the old one has stopped.
        _ = try BundleSamples.bundle()
        #expect(output.writesAfterAbandon == 0)
    }
}
