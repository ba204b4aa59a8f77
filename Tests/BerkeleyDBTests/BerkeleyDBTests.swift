import BerkeleyDB
import Foundation
import Testing

@Suite struct BerkeleyDBTests {
    func withEnvironment(_ body: (Environment) throws -> Void) throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let environment = try Environment(home: home.path)
        try body(environment)
        environment.close()
    }

    @Test func committedValuesReadBackAndMissingKeysAreNil() throws {
        try withEnvironment { env in
            let db = try Database(file: "t.db", in: env)
            let txn = try env.beginTransaction()
            try db.put([1, 2], [9, 9, 9], in: txn)
            try db.put([], [0], in: txn)
            try txn.commit()
            #expect(try db.get([1, 2]) == [9, 9, 9])
            #expect(try db.get([3]) == nil)
            db.close()
        }
    }

    @Test func abortedTransactionLeavesNothing() throws {
        try withEnvironment { env in
            let db = try Database(file: "t.db", in: env)
            do {
                let txn = try env.beginTransaction()
                try db.put([1], [1], in: txn)
            }
            #expect(try db.get([1]) == nil)
            db.close()
        }
    }

    @Test func cursorWalksInKeyOrderAndDeleteRemoves() throws {
        try withEnvironment { env in
            let db = try Database(file: "t.db", in: env)
            let txn = try env.beginTransaction()
            for key: UInt8 in [3, 1, 2] { try db.put([key], [key * 10], in: txn) }
            #expect(try db.delete([2], in: txn))
            #expect(try !db.delete([7], in: txn))
            try txn.commit()
            let cursor = try db.cursor()
            var keys: [[UInt8]] = []
            while let (key, _) = try cursor.next() { keys.append(key) }
            cursor.close()
            #expect(keys == [[1], [3]])
            _ = try db.compact()
            db.close()
        }
    }

    @Test func valuesAreHandedOverInTheLibrarysBufferByKeyAndByCursor() throws {
        try withEnvironment { env in
            let db = try Database(file: "t.db", in: env)
            let txn = try env.beginTransaction()
            try db.put([1], [10, 11, 12], in: txn)
            try db.put([2], [], in: txn)
            try txn.commit()
            #expect(try db.withValue([1]) { Array($0) } == [10, 11, 12])
            #expect(try db.withValue([2]) { $0.count } == 0)
            #expect(try db.withValue([3]) { _ in Issue.record("called for a missing key") } == nil)
            let cursor = try db.cursor()
            var records: [[UInt8]: [UInt8]] = [:]
            while let (key, value) = try cursor.next({ ($0, Array($1)) }) { records[key] = value }
            cursor.close()
            #expect(records == [[1]: [10, 11, 12], [2]: []])
            db.close()
        }
    }

    @Test func errorsNameTheFunctionAndFile() throws {
        try withEnvironment { env in
            do {
                _ = try Database(file: "missing/dir/t.db", in: env)
                Issue.record("opened a file in a missing directory")
            } catch let error as BerkeleyDBError {
                #expect(error.function == "DB->open" && error.file == "missing/dir/t.db")
                #expect(error.description.contains("No such file"))
            }
        }
    }

    @Test func versionIsFiveThree() {
        #expect(Environment.version.hasPrefix("Berkeley DB 5.3"))
    }
}
