import BerkeleyDB
import Foundation
import Testing

@Suite struct PageSizeTests {
    func withEnvironment(_ body: (Environment) throws -> Void) throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bdb-pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = try Environment(home: home.path)
        try body(environment)
        environment.close()
    }

    /// A value of several pages whatever the page size: random bytes, so it cannot be
    /// stored any shorter.
    private func largeValue() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<(300 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    @Test func aNewFileGetsTheCurrentPageSize() throws {
        try withEnvironment { env in
            let db = try Database(file: "new.db", in: env)
            #expect(try db.filePageSize() == Database.pageSize)
            db.close()
        }
    }

    /// Page sizes of files written before: the file system's block size (1 KiB on a
    /// small ext4, 4 KiB), then 16 KiB.
    @Test(arguments: [UInt32(1024), 4096, 16 * 1024].filter { $0 != Database.pageSize })
    func anOldFileKeepsItsPageSizeAndItsValuesWhenOpenedAgain(oldSize: UInt32) throws {
        let value = largeValue()
        try withEnvironment { env in
            let old = try Database(file: "old.db", in: env, pageSize: oldSize)
            let txn = try env.beginTransaction()
            try old.put([1], value, in: txn)
            try txn.commit()
            old.close()

            let reopened = try Database(file: "old.db", in: env)
            #expect(try reopened.filePageSize() == oldSize)
            #expect(try reopened.get([1]) == value)
            let more = try env.beginTransaction()
            try reopened.put([2], value, in: more)
            try more.commit()
            #expect(try reopened.get([2]) == value)
            #expect(try reopened.filePageSize() == oldSize)
            reopened.close()
        }
    }
}
