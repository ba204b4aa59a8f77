@testable import BrickStore
import Crypto
import Foundation
import Testing

/// Sealed records are what docs/FORMAT.md §10.2 says, read and written here with
/// swift-crypto alone (HKDF and `ChaChaPoly`), independently of `ValueSeal`'s cipher:
/// records written before the cipher moved to libcrypto still open, and records written
/// now open the way the spec and tools/unseal-store read them.
@Suite struct ValueSealFormatTests {
    let storeKey = StoreKey.generate()
    let salt = Array(StoreKey.generate().bytes.prefix(16))
    let folder: FolderID = 3
    let recordKey = Array("1700000000.42".utf8)

    /// The user's value key and the associated data, as FORMAT.md §10.2 defines them.
    func spec() -> (key: SymmetricKey, associated: [UInt8]) {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: storeKey.bytes), salt: salt, info: Array("brick-store-v1 values".utf8), outputByteCount: 32)
        var associated = Array("brick-store-v1 value".utf8)
        withUnsafeBytes(of: folder.littleEndian) { associated += $0 }
        return (key, associated + recordKey)
    }

    static func sample(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) } }

    @Test(arguments: [0, 1, 5_000, 4 << 20])
    func aRecordSealedNowOpensAsTheSpecReadsIt(size: Int) throws {
        let plain = Self.sample(size)
        let sealed = try ValueSeal(storeKey: storeKey, userSalt: salt).seal(plain, folder: folder, recordKey: recordKey)
        #expect(sealed.count == plain.count + 33 && Array(sealed.prefix(5)) == Array("BRKS".utf8) + [1])
        let (key, associated) = spec()
        let box = try ChaChaPoly.SealedBox(combined: sealed[5...])
        #expect(Array(try ChaChaPoly.open(box, using: key, authenticating: associated)) == plain)
    }

    @Test(arguments: [0, 1, 5_000, 4 << 20])
    func aRecordSealedBySwiftCryptoOpens(size: Int) throws {
        let plain = Self.sample(size)
        let (key, associated) = spec()
        let box = try ChaChaPoly.seal(plain, using: key, authenticating: associated)
        let sealed = Array("BRKS".utf8) + [1] + Array(box.combined)
        let seal = ValueSeal(storeKey: storeKey, userSalt: salt)
        #expect(try seal.open(sealed, folder: folder, recordKey: recordKey) == plain)
        #expect(throws: StoreError.self) { try seal.open(sealed, folder: folder + 1, recordKey: recordKey) }
        #expect(throws: StoreError.self) { try seal.open(sealed, folder: folder, recordKey: recordKey + [0x2E]) }
        var flipped = sealed
        flipped[flipped.count / 2] ^= 1
        #expect(throws: StoreError.self) { try seal.open(flipped, folder: folder, recordKey: recordKey) }
        #expect(throws: StoreError.self) { try seal.open(Array(sealed.dropLast()), folder: folder, recordKey: recordKey) }
    }
}
