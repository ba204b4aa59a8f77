import BerkeleyDB
import CPageHash
import Foundation
import Glibc
import Testing

/// The vectorized page checksum gives libdb's own values, and libdb really calls it.
@Suite struct PageHashTests {
    private typealias Func4 = @convention(c) (UnsafeMutableRawPointer?, UnsafeRawPointer?, UInt32) -> UInt32

    /// libdb's original `__ham_func4`, looked up in the library itself, past the
    /// executable's definition of the same name.
    private func libraryFunc4() throws -> Func4 {
        let handle = try #require(dlopen("libdb-5.3.so", RTLD_NOW))
        let symbol = try #require(dlsym(handle, "__ham_func4"))
        return unsafeBitCast(symbol, to: Func4.self)
    }

    private func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    @Test func everyShortLengthAtEveryAlignmentHasLibdbsValue() throws {
        let original = try libraryFunc4()
        let bytes = randomBytes(300 + 64)
        bytes.withUnsafeBytes { buffer in
            for start in 0..<8 {
                for length in 0...300 {
                    let pointer = buffer.baseAddress! + start
                    let expected = original(nil, pointer, UInt32(length))
                    #expect(brick_page_hash(pointer, UInt32(length)) == expected, "length \(length) at +\(start)")
                }
            }
        }
    }

    @Test func pageSizedAndOddLargeLengthsHaveLibdbsValue() throws {
        let original = try libraryFunc4()
        let bytes = randomBytes(65_536 + 128)
        let lengths = [4096, 16_384, 65_536, 4095, 4097, 16_383, 16_385, 65_535, 65_537, 12_345, 9999]
        bytes.withUnsafeBytes { buffer in
            for start in [0, 1, 3, 31, 63] {
                for length in lengths {
                    let pointer = buffer.baseAddress! + start
                    #expect(brick_page_hash(pointer, UInt32(length)) == original(nil, pointer, UInt32(length)),
                            "length \(length) at +\(start)")
                }
            }
        }
    }

    @Test func bytesOfAllOnesWrapLikeLibdb() throws {
        let original = try libraryFunc4()
        let bytes = [UInt8](repeating: 0xFF, count: 16_384 + 7)
        bytes.withUnsafeBytes { buffer in
            let length = UInt32(buffer.count)
            #expect(brick_page_hash(buffer.baseAddress, length) == original(nil, buffer.baseAddress, length))
            #expect(brick_page_hash_reference(buffer.baseAddress, length) == original(nil, buffer.baseAddress, length))
        }
    }

    /// If the executable stops exporting `__ham_func4`, or libdb stops calling it
    /// through its PLT, the counter stays put and this fails (only speed would be lost).
    @Test func libdbCallsTheExportedChecksumWhenItWritesAChecksummedFile() throws {
        let global = try #require(dlsym(nil, "__ham_func4"))
        let handle = try #require(dlopen("libdb-5.3.so", RTLD_NOW))
        let library = try #require(dlsym(handle, "__ham_func4"))
        #expect(global != library, "the process resolves __ham_func4 to libdb's own copy")

        let home = FileManager.default.temporaryDirectory.appendingPathComponent("bdb-pagehash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let before = brick_page_hash_library_calls()
        let env = try Environment(home: home.path)
        let db = try Database(file: "items.db", in: env, pageChecksums: true)
        let txn = try env.beginTransaction()
        try db.put([1], randomBytes(100 * 1024), in: txn)
        try txn.commit()
        db.close()
        env.close()
        #expect(brick_page_hash_library_calls() > before)
    }
}
