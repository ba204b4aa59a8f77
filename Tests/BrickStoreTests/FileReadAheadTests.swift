import BrickStore
import Foundation
import Glibc
import Testing

/// `FileReadAhead` brings files' pages into the page cache, in order, up to its window
/// past the reader and no further.
@Suite(.serialized) struct FileReadAheadTests {
    static let megabyte = 1 << 20

    /// A file of `megabytes` written, synced and dropped from the page cache.
    static func coldFile(megabytes: Int) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("read-ahead-\(UUID().uuidString)")
        try Data((0..<megabytes * megabyte).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: url)
        let descriptor = open(url.path, O_RDONLY)
        defer { close(descriptor) }
        fsync(descriptor)
        posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
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

    /// Waits until `condition` holds of the file's residency, up to 20 s (the advice is
    /// carried out by the kernel after the call returns); returns the last residency.
    static func residency(of url: URL, until condition: ([Bool]) -> Bool) -> [Bool] {
        var resident = residentMegabytes(url)
        for _ in 0..<200 where !condition(resident) {
            usleep(100_000)
            resident = residentMegabytes(url)
        }
        return resident
    }

    @Test func pagesUpToTheWindowPastTheReaderAreReadAndNoFurther() throws {
        let url = try Self.coldFile(megabytes: 16)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(Self.residentMegabytes(url).filter { $0 }.isEmpty, "the file starts out of the page cache")
        let readAhead = FileReadAhead(files: [url], window: Int64(4 * Self.megabyte), chunk: Int64(Self.megabyte))
        readAhead.reader(atFile: 0, fraction: 0.25)
        let resident = Self.residency(of: url) { Array($0[0..<8]).allSatisfy { $0 } }
        #expect(Array(resident[0..<8]).allSatisfy { $0 }, "a quarter in, the window reaches 8 MB: \(resident)")
        usleep(300_000)
        let after = Self.residentMegabytes(url)
        #expect(!Array(after[10...]).contains(true), "nothing far past the window is asked for: \(after)")
        readAhead.reader(atFile: 0, fraction: 1)
        let whole = Self.residency(of: url) { $0.allSatisfy { $0 } }
        readAhead.stop()
        #expect(whole.allSatisfy { $0 }, "at the end, the whole file: \(whole)")
    }

    @Test func theNextFilesAreAskedForWithinTheWindowAndAMissingOneIsPassedOver() throws {
        let first = try Self.coldFile(megabytes: 4)
        let second = try Self.coldFile(megabytes: 4)
        let third = try Self.coldFile(megabytes: 8)
        defer { for url in [first, second, third] { try? FileManager.default.removeItem(at: url) } }
        let missing = first.appendingPathExtension("missing")
        let readAhead = FileReadAhead(files: [first, missing, second, third], window: Int64(10 * Self.megabyte), chunk: Int64(Self.megabyte))
        readAhead.reader(atFile: 0, fraction: 0)
        let resident = Self.residency(of: third) { Array($0[0..<2]).allSatisfy { $0 } }
        #expect(Self.residentMegabytes(first).allSatisfy { $0 } && Self.residentMegabytes(second).allSatisfy { $0 })
        #expect(Array(resident[0..<2]).allSatisfy { $0 }, "the window reaches 2 MB into the third file: \(resident)")
        usleep(300_000)
        let after = Self.residentMegabytes(third)
        readAhead.stop()
        #expect(!Array(after[4...]).contains(true), "and no further: \(after)")
    }
}
