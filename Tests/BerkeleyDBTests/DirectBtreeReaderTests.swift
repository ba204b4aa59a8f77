import BerkeleyDB
import BrickTestSupport
import Foundation
import Testing

/// `DirectBtreeReader` reads what `DB->get` reads, straight from the file's pages, and
/// declines (nil) whatever it cannot read for sure, however the file is damaged.
@Suite struct DirectBtreeReaderTests {
    /// A written file: its directory, name and the records put into it.
    private struct Written {
        var home: URL
        var file: String
        var records: [[UInt8]: [UInt8]]
        var path: String { home.appendingPathComponent(file).path }
    }

    private func temporaryHome() throws -> URL {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bdb-direct-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return home
    }

    /// `count` records under keys of varied length, put in a shuffled order (so pages
    /// split everywhere, several levels deep): most values small enough for the leaf
    /// page, every seventh one of several overflow pages. The file is synced and closed.
    private func write(count: Int, pageChecksums: Bool = true, seed: UInt64 = 7) throws -> Written {
        let home = try temporaryHome()
        var random = SeededGenerator(seed: seed)
        var records: [[UInt8]: [UInt8]] = [:]
        for index in 0..<count {
            let key = Array("\(index * 7919 % 100_003).\(String(repeating: "k", count: index % 13))".utf8)
            let length = index % 7 == 0 ? Int.random(in: 20_000...90_000, using: &random) : Int.random(in: 0...900, using: &random)
            records[key] = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        let environment = try Environment(home: home.path)
        let database = try Database(file: "items.db", in: environment, pageChecksums: pageChecksums)
        var keys = Array(records.keys)
        keys.shuffle(using: &random)
        for batch in stride(from: 0, to: keys.count, by: 200) {
            let transaction = try environment.beginTransaction()
            for key in keys[batch..<min(batch + 200, keys.count)] { try database.put(key, records[key]!, in: transaction) }
            try transaction.commit()
        }
        try database.sync()
        database.close()
        environment.close()
        return Written(home: home, file: "items.db", records: records)
    }

    @Test func everyValueReadsAsBerkeleyDBStoredItAndAMissingKeyIsDeclined() throws {
        let written = try write(count: 3000)
        defer { try? FileManager.default.removeItem(at: written.home) }
        let size = try FileManager.default.attributesOfItem(atPath: written.path)[.size] as? Int ?? 0
        #expect(size > 8 * Int(Database.pageSize))
        let reader = try #require(DirectBtreeReader(path: written.path))
        let wrong = written.records.filter { reader.value(for: $0.key) != $0.value }.count
        #expect(wrong == 0)
        #expect(reader.value(for: Array("no such key".utf8)) == nil)
        #expect(reader.value(for: []) == nil)
        #expect(reader.counts == (written.records.count, 2))
    }

    /// Windows of four pages, one kept: overflow chains cross windows, and a window is
    /// mapped again after it was let go.
    @Test func smallWindowsOneKeptReadTheSameValues() throws {
        let written = try write(count: 600)
        defer { try? FileManager.default.removeItem(at: written.home) }
        let reader = try #require(DirectBtreeReader(path: written.path, windowSize: 4 * Int(Database.pageSize), keptWindows: 1))
        let wrong = written.records.filter { key, value in
            defer { reader.releaseWindows() }
            return reader.value(for: key) != value
        }.count
        #expect(wrong == 0)
        #expect(reader.counts.declined == 0)
    }

    /// Values handed over as slices of the mapping, windows of four pages with one kept:
    /// each slice stays readable while it is held, after its window has left the reader
    /// and the reader itself is gone, and the slices hold the value's bytes in order.
    @Test func aMappedValueStaysReadableAfterItsWindowsAreLetGo() throws {
        let written = try write(count: 600)
        defer { try? FileManager.default.removeItem(at: written.home) }
        var reader = DirectBtreeReader(path: written.path, windowSize: 4 * Int(Database.pageSize), keptWindows: 1)
        let keys = written.records.keys.sorted { $0.lexicographicallyPrecedes($1) }
        let mapped = try keys.map { key in try #require(reader?.mappedValue(for: key)) }
        reader?.releaseWindows()
        reader = nil
        var slices = 0
        for (key, value) in zip(keys, mapped) {
            var joined: [UInt8] = []
            value.forEachSlice { bytes, _ in
                joined += bytes
                slices += 1
            }
            #expect(joined == written.records[key], "value of \(String(decoding: key, as: UTF8.self))")
            #expect(value.count == joined.count)
        }
        #expect(slices > keys.count, "overflow values come as one slice per page")
    }

    /// Values held in key order and in a scattered order: past the limit of windows
    /// mapped, values come copied, so the windows mapped stay few however many values
    /// are held, and every value still reads right.
    @Test func valuesHeldPastTheLimitOfMappedWindowsComeCopied() throws {
        let written = try write(count: 600)
        defer { try? FileManager.default.removeItem(at: written.home) }
        var random = SeededGenerator(seed: 11)
        let sorted = written.records.keys.sorted { $0.lexicographicallyPrecedes($1) }
        for keys in [sorted, sorted.shuffled(using: &random)] {
            let reader = try #require(
                DirectBtreeReader(path: written.path, windowSize: 4 * Int(Database.pageSize), keptWindows: 2, mappedWindowLimit: 3))
            var held: [MappedValue] = []
            var most = 0
            for key in keys {
                held.append(try #require(reader.mappedValue(for: key)))
                most = max(most, reader.mappedWindowCount)
            }
            #expect(most <= 3 + 2 + 1, "windows mapped at most: the limit, the kept ones and the one read")
            let wrong = zip(keys, held).filter { key, value in
                var joined: [UInt8] = []
                value.forEachSlice { bytes, _ in joined += bytes }
                return joined != written.records[key]
            }.count
            #expect(wrong == 0)
        }
    }

    @Test func aFileWithoutPageChecksumsIsNotReadDirectly() throws {
        let written = try write(count: 50, pageChecksums: false)
        defer { try? FileManager.default.removeItem(at: written.home) }
        #expect(DirectBtreeReader(path: written.path) == nil)
        #expect(DirectBtreeReader(path: written.home.appendingPathComponent("missing.db").path) == nil)
    }

    /// A byte changed anywhere: the reader is refused (the metadata page) or answers
    /// each key with its value or nil, and a key on the damaged page gets nil.
    @Test func aChangedByteAnywhereGivesTheRightValueOrNoneNeverAWrongOne() throws {
        let written = try write(count: 400)
        defer { try? FileManager.default.removeItem(at: written.home) }
        let original = try Data(contentsOf: URL(fileURLWithPath: written.path))
        let damagedPath = written.home.appendingPathComponent("damaged.db").path
        var random = SeededGenerator(seed: 11)
        var declinedTrials = 0
        for _ in 0..<60 {
            var damaged = original
            let offset = Int.random(in: 0..<damaged.count, using: &random)
            damaged[offset] ^= UInt8.random(in: 1...255, using: &random)
            try damaged.write(to: URL(fileURLWithPath: damagedPath))
            guard let reader = DirectBtreeReader(path: damagedPath) else {
                #expect(offset < Int(Database.pageSize))
                continue
            }
            let wrong = written.records.filter { key, value in reader.value(for: key).map { $0 != value } ?? false }.count
            #expect(wrong == 0, "byte \(offset)")
            if reader.counts.declined > 0 { declinedTrials += 1 }
        }
        #expect(declinedTrials > 0)
    }

    /// Every page of a file read by the reader has a right checksum, and a page whose
    /// checksum bytes alone are changed is declined.
    @Test func aPageWithAChangedChecksumIsDeclined() throws {
        let written = try write(count: 1)
        defer { try? FileManager.default.removeItem(at: written.home) }
        let (key, value) = try #require(written.records.first)
        let before = DirectBtreeReader(path: written.path)?.value(for: key)
        #expect(before == .some(value), "read before the change")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: written.path))
        let checksumOffset = Int(Database.pageSize) + 28
        bytes[checksumOffset] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: written.path))
        let reader = try #require(DirectBtreeReader(path: written.path))
        #expect(reader.value(for: key) == nil, "read after the change")
    }
}
