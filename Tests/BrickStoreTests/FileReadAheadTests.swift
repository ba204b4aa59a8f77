@testable import BrickStore
import Foundation
import Glibc
import Testing

/// `FileReadAhead` asks for files' pages in order, a chunk at a time, up to its window
/// past the reader and no further; its default advice brings them into the page cache.
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
    struct Chunk: Equatable, CustomStringConvertible {
        let file: Int, megabyte: Int, megabytes: Int
        var description: String { "\(file):\(megabyte)+\(megabytes)" }
    }

    /// The chunks a read-ahead asked for, in the order it asked.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var chunks: [Chunk] = []

        var advise: FileReadAhead.Advise {
            { [self] _, file, offset, length in
                lock.withLock {
                    chunks.append(Chunk(file: file, megabyte: Int(offset) / megabyte, megabytes: Int(length) / megabyte))
                }
            }
        }

        /// The chunks once `count` have been asked for (or after 20 s), and after a
        /// further 300 ms in which more could come.
        func chunks(whenAtLeast count: Int) -> [Chunk] {
            for _ in 0..<200 where lock.withLock({ chunks.count }) < count { usleep(100_000) }
            usleep(300_000)
            return lock.withLock { chunks }
        }
    }

    static func chunks(file: Int, megabytes: Range<Int>) -> [Chunk] {
        megabytes.map { Chunk(file: file, megabyte: $0, megabytes: 1) }
    }

    @Test func chunksUpToTheWindowPastTheReaderAreAskedForInOrderAndNoFurther() throws {
        let url = try Self.file(megabytes: 16)
        defer { try? FileManager.default.removeItem(at: url) }
        let recorder = Recorder()
        let readAhead = FileReadAhead(files: [url], window: Int64(4 * Self.megabyte), chunk: Int64(Self.megabyte), advise: recorder.advise)
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
                                      chunk: Int64(Self.megabyte), advise: recorder.advise)
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
        let readAhead = FileReadAhead(files: [url], window: Int64(3 * Self.megabyte), chunk: Int64(2 * Self.megabyte), advise: recorder.advise)
        readAhead.reader(atFile: 0, offset: 0)
        let asked = recorder.chunks(whenAtLeast: 2)
        readAhead.stop()
        #expect(asked == [Chunk(file: 0, megabyte: 0, megabytes: 2), Chunk(file: 0, megabyte: 2, megabytes: 1)])
    }

    /// The kernel may drop a read-ahead when the disk is busy (the advice is a hint), so
    /// the advice is given again, up to 10 times, until its pages are resident.
    @Test func theDefaultAdviceBringsTheChunkIntoThePageCacheAndNothingBeyond() throws {
        let url = try Self.file(megabytes: 8, cold: true)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(!Self.residentMegabytes(url).contains(true), "the file starts out of the page cache")
        let descriptor = open(url.path, O_RDONLY)
        defer { close(descriptor) }
        var resident = Self.residentMegabytes(url)
        for _ in 0..<10 where !Array(resident[0..<4]).allSatisfy({ $0 }) {
            FileReadAhead.willNeed(descriptor, 0, 0, Int64(4 * Self.megabyte))
            for _ in 0..<20 where !Array(resident[0..<4]).allSatisfy({ $0 }) {
                usleep(100_000)
                resident = Self.residentMegabytes(url)
            }
        }
        #expect(Array(resident[0..<4]).allSatisfy { $0 }, "the 4 MB asked for: \(resident)")
        #expect(!Array(resident[5...]).contains(true), "nothing past them: \(resident)")
    }
}
