import Crypto
import Foundation
import LibCrypto
import Testing

/// libcrypto's ChaCha20-Poly1305 is RFC 8439's, and agrees byte for byte with
/// swift-crypto's `ChaChaPoly` (which sealed every record before it).
@Suite struct ChaCha20Poly1305Tests {
    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.filter { !$0.isWhitespace })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    static func sample(_ count: Int) -> [UInt8] {
        var state: UInt32 = 11
        return (0..<count).map { _ in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
    }

    let key = (0..<32).map { UInt8(0x80 + $0) }
    let nonce = hex("07000000 40414243 44454647")
    let associated = hex("50515253 c0c1c2c3 c4c5c6c7")

    /// Seals `plain` with libcrypto: the ciphertext and the tag.
    func seal(_ plain: [UInt8], nonce: [UInt8]? = nil, associated: [UInt8]? = nil) throws -> ([UInt8], [UInt8]) {
        var ciphertext = [UInt8](repeating: 0, count: plain.count)
        var tag = [UInt8](repeating: 0, count: 16)
        try plain.withUnsafeBytes { plain in
            try (nonce ?? self.nonce).withUnsafeBytes { nonce in
                try (associated ?? self.associated).withUnsafeBytes { associated in
                    try ciphertext.withUnsafeMutableBytes { out in
                        try tag.withUnsafeMutableBytes { tag in
                            try ChaCha20Poly1305(key: key).seal(plain, nonce: nonce, associatedData: associated, into: out, tag: tag)
                        }
                    }
                }
            }
        }
        return (ciphertext, tag)
    }

    /// Opens with libcrypto.
    func open(_ ciphertext: [UInt8], tag: [UInt8], associated: [UInt8]? = nil) throws -> [UInt8] {
        var plain = [UInt8](repeating: 0, count: ciphertext.count)
        try ciphertext.withUnsafeBytes { ciphertext in
            try tag.withUnsafeBytes { tag in
                try nonce.withUnsafeBytes { nonce in
                    try (associated ?? self.associated).withUnsafeBytes { associated in
                        try plain.withUnsafeMutableBytes { out in
                            try ChaCha20Poly1305(key: key).open(ciphertext, tag: tag, nonce: nonce, associatedData: associated, into: out)
                        }
                    }
                }
            }
        }
        return plain
    }

    @Test func sealsRFC8439TestVector() throws {
        let plain = Array("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".utf8)
        let (ciphertext, tag) = try seal(plain)
        #expect(ciphertext == Self.hex("""
            d31a8d34648e60db7b86afbc53ef7ec2 a4aded51296e08fea9e2b5a736ee62d6 3dbea45e8ca9671282fafb69da92728b
            1a71de0a9e060b2905d6a5b67ecd3b36 92ddbd7f2d778b8c9803aee328091b58 fab324e4fad675945585808b4831d7bc
            3ff4def08e4b7a9de576d26586cec64b 6116
            """))
        #expect(tag == Self.hex("1ae10b594f09e26a7e902ecbd0600691"))
        #expect(try open(ciphertext, tag: tag) == plain)
    }

    @Test(arguments: [0, 1, 63, 64, 65, 4_096, 1_000_003])
    func agreesWithSwiftCryptoBothWays(size: Int) throws {
        let plain = Self.sample(size)
        let swiftKey = SymmetricKey(data: key)
        let (ciphertext, tag) = try seal(plain)
        let box = try ChaChaPoly.SealedBox(nonce: ChaChaPoly.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
        #expect(Array(try ChaChaPoly.open(box, using: swiftKey, authenticating: associated)) == plain)

        let theirs = try ChaChaPoly.seal(plain, using: swiftKey, nonce: ChaChaPoly.Nonce(data: nonce), authenticating: associated)
        #expect(Array(theirs.ciphertext) == ciphertext && Array(theirs.tag) == tag)
        #expect(try open(Array(theirs.ciphertext), tag: Array(theirs.tag)) == plain)
    }

    @Test func aChangedByteOfCiphertextTagOrAssociatedDataDoesNotOpen() throws {
        let plain = Self.sample(1_000)
        let (ciphertext, tag) = try seal(plain)
        var flipped = ciphertext
        flipped[500] ^= 1
        #expect(throws: LibCryptoError.authenticationFailed) { try open(flipped, tag: tag) }
        var badTag = tag
        badTag[15] ^= 0x80
        #expect(throws: LibCryptoError.authenticationFailed) { try open(ciphertext, tag: badTag) }
        var otherAssociated = associated
        otherAssociated[0] ^= 1
        #expect(throws: LibCryptoError.authenticationFailed) { try open(ciphertext, tag: tag, associated: otherAssociated) }
        #expect(throws: LibCryptoError.authenticationFailed) { try open(ciphertext, tag: tag, associated: []) }
    }

    @Test func sealsAndOpensInPlace() throws {
        let plain = Self.sample(70_000)
        let (expected, expectedTag) = try seal(plain)
        var buffer = plain
        var tag = [UInt8](repeating: 0, count: 16)
        let cipher = ChaCha20Poly1305(key: key)
        try buffer.withUnsafeMutableBytes { buffer in
            try nonce.withUnsafeBytes { nonce in
                try associated.withUnsafeBytes { associated in
                    try tag.withUnsafeMutableBytes { tag in
                        try cipher.seal(UnsafeRawBufferPointer(buffer), nonce: nonce, associatedData: associated, into: buffer, tag: tag)
                    }
                }
            }
        }
        #expect(buffer == expected && tag == expectedTag)
        try buffer.withUnsafeMutableBytes { buffer in
            try nonce.withUnsafeBytes { nonce in
                try associated.withUnsafeBytes { associated in
                    try tag.withUnsafeBytes { tag in
                        try cipher.open(UnsafeRawBufferPointer(buffer), tag: tag, nonce: nonce, associatedData: associated, into: buffer)
                    }
                }
            }
        }
        #expect(buffer == plain)
    }

    @Test func refusesANonceOfAnotherLength() throws {
        #expect(throws: LibCryptoError.badLength(field: "nonce", expected: 12, found: 8)) {
            _ = try seal([1, 2, 3], nonce: Array(nonce.prefix(8)))
        }
    }
}
