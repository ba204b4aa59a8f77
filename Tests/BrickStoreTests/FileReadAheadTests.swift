@testable import BrickStore
import Foundation
import Glibc
import Testing

/// `FileReadAhead` asks for files' pages in order, a chunk at a time, up to its window
/// past the reader and no further, and drops the files the reader has finished with,
/// but for the chunks cached before; the kernel's advice does what it says.
@Suite(.serialized) struct FileReadAheadTests {
    static let megabyte = 1 << 20

    /// A file of `megabytes`, written and synced; with `cold`, dropped from the page cache.
    static func file(megabytes: Int, cold: Bool = false) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("read-ahead-\(UUID().uuidString)")
        try Data(repeating: 0x5A, count: megabytes * megabyte).write(to: url)
        if cold {
            let descriptor = open(url.path, O_RDONLY)
            defer { close(descriptor) }
            fsync(descriptor)
            posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
        }
        return url
    }

    /// For each megabyte of the file, whether all of its pages are in the page cache.
    static func residentMegabytes(_ url: URL) -> [Bool] {
        let descriptor = open(url.path, O_RDONLY)
        defer { close(descriptor) }
        var status = stat()
        fstat(descriptor, &status)
        let size = Int(status.st_size)
        guard let map = mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0), map != MAP_FAILED else { return [] }
        defer { munmap(map, size) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var vector = [UInt8](repeating: 0, count: (size + page - 1) / page)
        mincore(map, size, &vector)
        let perMegabyte = megabyte / page
        return stride(from: 0, to: vector.count, by: perMegabyte).map { start in
            vector[start..<min(vector.count, start + perMegabyte)].allSatisfy { $0 & 1 == 1 }
        }
    }

    /// One chunk asked for: the file's index among the read-ahead's files, and which
    /// megabyte of it.
    struct Chunk: Hashable, CustomStringConvertible {
        let file: Int, megabyte: Int, megabytes: Int
        var description: String { "\(file):\(megabyte)+\(megabytes)" }

        init(file: Int, megabyte: Int, megabytes: Int) {
            self.file = file
            self.megabyte = megabyte
            self.megabytes = megabytes
        }

        init(file: Int, offset: Int64, length: Int64) {
            let size = FileReadAheadTests.megabyte
            self.init(file: file, megabyte: Int(offset) / size, megabytes: Int(length) / size)
        }
    }

    /// The chunks a read-ahead filled and dropped, in the order it asked; chunks in
    /// `cached` say they were mostly in the page cache when asked.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private let cached: Set<Chunk>
        private var filled: [Chunk] = []
        private var dropped: [Chunk] = []

        private let dropDelay: UInt32

        /// `dropDelay` microseconds pass in each drop.
        init(cached: Set<Chunk> = [], dropDelay: UInt32 = 0) {
            self.cached = cached
            self.dropDelay = dropDelay
        }

        var advice: PageCacheAdvice {
            PageCacheAdvice(fill: { [self] _, file, offset, length in
                lock.withLock { filled.append(Chunk(file: file, offset: offset, length: length)) }
            }, drop: { [self] _, file, offset, length in
                usleep(dropDelay)
                lock.withLock { dropped.append(Chunk(file: file, offset: offset, length: length)) }
            }, isCached: { [self] _, file, offset, length in
                cached.contains(Chunk(file: file, offset: offset, length: length))
            })
        }

        /// The chunks filled once `count` have been (or after 20 s), and after a
        /// further 300 ms in which more could come.
        func chunks(whenAtLeast count: Int) -> [Chunk] {
            settled(count) { filled }
        }

        /// The chunks dropped once `count` have been (or after 20 s), and after a
        /// further 300 ms.
        func drops(whenAtLeast count: Int) -> [Chunk] {
            settled(count) { dropped }
        }

        private func settled(_ count: Int, _ list: () -> [Chunk]) -> [Chunk] {
            for _ in 0..<200 where lock.withLock({ list().count }) < count { usleep(100_000) }
            usleep(300_000)
            return lock.withLock { list() }
        }
    }

    static func chunks(file: Int, megabytes: Range<Int>) -> [Chunk] {
        megabytes.map { Chunk(file: file, megabyte: $0, megabytes: 1) }
    }

    @Test func chunksUpToTheWindowPastTheReaderAreAskedForInOrderAndNoFurther() throws {
        let url = try Self.file(megabytes: 16)
        defer { try? FileManager.default.removeItem(at: url) }
        let recorder = Recorder()
        let readAhead = FileReadAhead(files: [url], window: Int64(4 * Self.megabyte), chunk: Int64(Self.megabyte), advice: recorder.advice)
        readAhead.reader(atFile: 0, offset: Int64(4 * Self.megabyte))
        #expect(recorder.chunks(whenAtLeast: 8) == Self.chunks(file: 0, megabytes: 0..<8), "4 MB in, the window reaches 8 MB")
        readAhead.reader(atFile: 0, offset: Int64(64 * Self.megabyte))
        let whole = recorder.chunks(whenAtLeast: 16)
        readAhead.stop()
        #expect(whole == Self.chunks(file: 0, megabytes: 0..<16), "past the end, the whole file, each chunk once")
    }

    @Test func theNextFilesAreAskedForWithinTheWindowAndAMissingOneIsPassedOver() throws {
        let first = try Self.file(megabytes: 4)
        let second = try Self.file(megabytes: 4)
        let third = try Self.file(megabytes: 8)
        defer { for url in [first, second, third] { try? FileManager.default.removeItem(at: url) } }
        let missing = first.appendingPathExtension("missing")
        let recorder = Recorder()
        let readAhead = FileReadAhead(files: [first, missing, second, third], window: Int64(10 * Self.megabyte),
                                      chunk: Int64(Self.megabyte), advice: recorder.advice)
        readAhead.reader(atFile: 0, offset: 0)
        let asked = recorder.chunks(whenAtLeast: 10)
        readAhead.stop()
        #expect(asked == Self.chunks(file: 0, megabytes: 0..<4) + Self.chunks(file: 2, megabytes: 0..<4)
                    + Self.chunks(file: 3, megabytes: 0..<2),
                "the first two files whole, 2 MB into the third and no further, the missing one passed over")
    }

    @Test func aChunkTooLargeForTheWindowIsCutAtTheWindow() throws {
        let url = try Self.file(megabytes: 8)
        defer { try? FileManager.default.removeItem(at: url) }
        let recorder = Recorder()
        let readAhead = FileReadAhead(files: [url], window: Int64(3 * Self.megabyte), chunk: Int64(2 * Self.megabyte), advice: recorder.advice)
        readAhead.reader(atFile: 0, offset: 0)
        let asked = recorder.chunks(whenAtLeast: 2)
        readAhead.stop()
        #expect(asked == [Chunk(file: 0, megabyte: 0, megabytes: 2), Chunk(file: 0, megabyte: 2, megabytes: 1)])
    }

    @Test func theFilesTheReaderHasFinishedWithAreDroppedAndTheRestWhenItStops() throws {
        let files = try (0..<3).map { _ in try Self.file(megabytes: 4) }
        defer { for url in files { try? FileManager.default.removeItem(at: url) } }
        let recorder = Recorder()
        let readAhead = FileReadAhead(files: files, window: Int64(12 * Self.megabyte), chunk: Int64(Self.megabyte),
                                      advice: recorder.advice)
        readAhead.reader(atFile: 0, offset: 0)
        _ = recorder.chunks(whenAtLeast: 12)
        #expect(recorder.drops(whenAtLeast: 0).isEmpty, "nothing dropped while the reader is in the first file")
        readAhead.finished(beforeFile: 2)
        #expect(recorder.drops(whenAtLeast: 8) == Self.chunks(file: 0, megabytes: 0..<4) + Self.chunks(file: 1, megabytes: 0..<4),
                "the two files before the reader's, whole")
        readAhead.stop()
        #expect(recorder.drops(whenAtLeast: 12) == Self.chunks(file: 0, megabytes: 0..<4) + Self.chunks(file: 1, megabytes: 0..<4)
                    + Self.chunks(file: 2, megabytes: 0..<4),
                "stopped: the file it had opened too, each chunk once")
    }

    /// The thread lets go of the lock while it drops; a stop asked for meanwhile must
    /// still end it (it once waited for the reader for good, and `stop()` with it).
    @Test(.timeLimit(.minutes(1))) func aStopAskedForWhileFilesAreDroppedEndsTheThread() throws {
        let files = try (0..<2).map { _ in try Self.file(megabytes: 2) }
        defer { for url in files { try? FileManager.default.removeItem(at: url) } }
        let recorder = Recorder(dropDelay: 200_000)
        let readAhead = FileReadAhead(files: files, window: Int64(4 * Self.megabyte), chunk: Int64(Self.megabyte),
                                      advice: recorder.advice)
        readAhead.reader(atFile: 0, offset: 0)
        _ = recorder.chunks(whenAtLeast: 4)
        readAhead.finished(beforeFile: 2)
        usleep(100_000)
        readAhead.stop()
        #expect(recorder.drops(whenAtLeast: 4) == Self.chunks(file: 0, megabytes: 0..<2) + Self.chunks(file: 1, megabytes: 0..<2))
    }

    @Test func pagesCachedBeforeTheyWereAskedForAreNotDropped() throws {
        let first = try Self.file(megabytes: 4)
        let second = try Self.file(megabytes: 4)
        defer { for url in [first, second] { try? FileManager.default.removeItem(at: url) } }
        let recorder = Recorder(cached: [Chunk(file: 0, megabyte: 1, megabytes: 1), Chunk(file: 1, megabyte: 0, megabytes: 1),
                                         Chunk(file: 1, megabyte: 1, megabytes: 1)])
        let readAhead = FileReadAhead(files: [first, second], window: Int64(8 * Self.megabyte),
                                      chunk: Int64(Self.megabyte), advice: recorder.advice)
        readAhead.reader(atFile: 0, offset: 0)
        _ = recorder.chunks(whenAtLeast: 8)
        readAhead.finished(beforeFile: 2)
        let dropped = recorder.drops(whenAtLeast: 5)
        readAhead.stop()
        #expect(dropped == [Chunk(file: 0, megabyte: 0, megabytes: 1)] + Self.chunks(file: 0, megabytes: 2..<4)
                    + Self.chunks(file: 1, megabytes: 2..<4),
                "the three chunks that were cached stay")
    }

    /// The kernel reads around what is asked for as it likes (`read_ahead_kb`), so only
    /// the range itself is checked.
    @Test func theKernelAdviceFillsTheRangeSaysItIsCachedAndDropsIt() throws {
        let url = try Self.file(megabytes: 8, cold: true)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(!Self.residentMegabytes(url).contains(true), "the file starts out of the page cache")
        let descriptor = open(url.path, O_RDONLY)
        defer { close(descriptor) }
        let kernel = PageCacheAdvice.kernel
        let range = (offset: Int64(Self.megabyte) + 100, length: Int64(3 * Self.megabyte) - 100)
        #expect(!kernel.isCached(descriptor, 0, range.offset, range.length), "not cached before")
        kernel.fill(descriptor, 0, range.offset, range.length)
        let resident = Self.residentMegabytes(url)
        #expect(Array(resident[1..<4]).allSatisfy { $0 }, "the 3 MB asked for: \(resident)")
        #expect(kernel.isCached(descriptor, 0, range.offset, range.length), "cached now")
        kernel.drop(descriptor, 0, 0, Int64(8 * Self.megabyte))
        #expect(!Self.residentMegabytes(url).contains(true), "dropped again")
        #expect(!kernel.isCached(descriptor, 0, range.offset, range.length), "not cached once dropped")
    }

    @Test func aReadThroughLeavesThePageCacheAsItFoundIt() throws {
        let cold = try (0..<2).map { _ in try Self.file(megabytes: 16, cold: true) }
        let warm = try Self.file(megabytes: 8)
        let files = [cold[0], warm, cold[1]]
        defer { for url in files { try? FileManager.default.removeItem(at: url) } }
        _ = try Data(contentsOf: warm)
        #expect(Self.residentMegabytes(warm).allSatisfy { $0 }, "the warm file starts in the page cache")
        let readAhead = FileReadAhead(files: files, window: Int64(8 * Self.megabyte), chunk: Int64(4 * Self.megabyte),
                                      advice: .kernel)
        var buffer = [UInt8](repeating: 0, count: Self.megabyte)
        for (index, url) in files.enumerated() {
            let descriptor = open(url.path, O_RDONLY)
            defer { close(descriptor) }
            var offset = 0
            while pread(descriptor, &buffer, buffer.count, off_t(offset)) > 0 {
                offset += buffer.count
                readAhead.reader(atFile: index, offset: Int64(offset))
            }
            readAhead.finished(beforeFile: index + 1)
        }
        readAhead.stop()
        for url in cold {
            #expect(!Self.residentMegabytes(url).contains(true), "read ahead, read and dropped: \(Self.residentMegabytes(url))")
        }
        #expect(Self.residentMegabytes(warm).allSatisfy { $0 }, "cached before, kept: \(Self.residentMegabytes(warm))")
    }
}
