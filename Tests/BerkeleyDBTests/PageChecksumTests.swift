import BerkeleyDB
import Foundation
import Testing

/// New files are created with page checksums; files created without them (by versions
/// before 16 KiB pages, docs/FORMAT.md §3) keep none.
@Suite struct PageChecksumTests {
    /// Byte 26 of a Berkeley DB metadata page holds its `metaflags`; bit 0 is
    /// `DBMETA_CHKSUM` (db_page.h).
    private func hasChecksumFlag(_ file: URL) throws -> Bool {
        let bytes = try Data(contentsOf: file)
        return bytes[26] & 0x01 != 0
    }

    /// Random bytes, so the value cannot be stored shorter: several overflow pages.
    private func largeValue() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<(100 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Writes `value` under key [1] into `file` in a fresh environment at `home`, closed.
    private func write(_ value: [UInt8], to file: String, in home: URL, pageChecksums: Bool? = nil) throws {
        let env = try Environment(home: home.path)
        let db = try pageChecksums.map { try Database(file: file, in: env, pageChecksums: $0) } ?? Database(file: file, in: env)
        let txn = try env.beginTransaction()
        try db.put([1], value, in: txn)
        try txn.commit()
        db.close()
        env.close()
    }

    private func temporaryHome() throws -> URL {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bdb-chksum-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return home
    }

    @Test func aNewFileIsCreatedWithPageChecksums() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        try write(largeValue(), to: "new.db", in: home)
        #expect(try hasChecksumFlag(home.appendingPathComponent("new.db")))
    }

    @Test func aFileWithoutChecksumsKeepsNoneAndItsValuesWhenOpenedAgain() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let value = largeValue()
        try write(value, to: "old.db", in: home, pageChecksums: false)
        let env = try Environment(home: home.path)
        let reopened = try Database(file: "old.db", in: env)
        #expect(try reopened.get([1]) == value)
        let txn = try env.beginTransaction()
        try reopened.put([2], value, in: txn)
        try txn.commit()
        reopened.close()
        env.close()
        #expect(try !hasChecksumFlag(home.appendingPathComponent("old.db")))
    }

    /// A byte changed in an overflow page of a file with checksums is refused on the
    /// next read, even with the value's own checks left aside.
    @Test func aDamagedPageOfAFileWithChecksumsIsRefusedWhenRead() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        try write(largeValue(), to: "new.db", in: home)
        let file = home.appendingPathComponent("new.db")
        let offset = UInt64(2 * Database.pageSize + 1000)
        let handle = try FileHandle(forUpdating: file)
        try handle.seek(toOffset: offset)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: [byte ^ 0x5A])
        try handle.close()

        let env = try Environment(home: home.path)
        defer { env.close() }
        let reopened = try Database(file: "new.db", in: env)
        #expect(throws: BerkeleyDBError.self) { _ = try reopened.get([1]) }
    }

    @Test func existsFindsAStoredKeyWithoutReadingItsValueAndNotAMissingOne() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        try write(largeValue(), to: "new.db", in: home)
        let env = try Environment(home: home.path)
        defer { env.close() }
        let db = try Database(file: "new.db", in: env)
        #expect(try db.exists([1]))
        #expect(try !db.exists([2]))
        #expect(try !db.exists([]))
    }
}
