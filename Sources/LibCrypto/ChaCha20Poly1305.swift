import CLibCrypto

/// ChaCha20-Poly1305 (RFC 8439) from OpenSSL's libcrypto, sealing from and opening into
/// buffers the caller owns: a record is encrypted or decrypted in one pass, with no
/// copy and no allocation of its size around it (swift-crypto's `ChaChaPoly` returns
/// fresh `Data` and takes its input as `Data`). A value holds only the key; every call
/// makes its own cipher context, so a value may be used on several threads at once.
public struct ChaCha20Poly1305: Sendable {
    /// Bytes of a key.
    public static let keyCount = 32
    /// Bytes of a nonce.
    public static let nonceCount = 12
    /// Bytes of a tag.
    public static let tagCount = 16

    private let key: [UInt8]

    /// A cipher under `key`, which must be 32 bytes (a key of another length is a
    /// programming error, not something read from outside).
    public init(key: [UInt8]) {
        precondition(key.count == Self.keyCount, "a ChaCha20-Poly1305 key is \(Self.keyCount) bytes")
        self.key = key
    }

    /// Encrypts `plain` into `ciphertext` (as many bytes; it may be `plain` itself) and
    /// writes the tag over `associatedData` and the ciphertext into `tag` (16 bytes).
    public func seal(
        _ plain: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, associatedData: UnsafeRawBufferPointer,
        into ciphertext: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer
    ) throws(LibCryptoError) {
        try checkLengths(nonce: nonce.count, tag: tag.count, input: plain.count, output: ciphertext.count)
        let context = try start(nonce: nonce, encrypting: true)
        try context.authenticate(associatedData)
        try context.update(plain, into: ciphertext)
        var written: Int32 = 0
        var scratch: UInt8 = 0
        try context.check("EVP_CipherFinal_ex") { EVP_CipherFinal_ex($0, &scratch, &written) }
        try context.check("EVP_CIPHER_CTX_ctrl") { EVP_CIPHER_CTX_ctrl($0, EVP_CTRL_AEAD_GET_TAG, Int32(Self.tagCount), tag.baseAddress) }
    }

    /// Decrypts `ciphertext` into `plain` (as many bytes; it may be `ciphertext` itself)
    /// and checks `tag`. Throws `authenticationFailed` when the tag does not match; what
    /// `plain` then holds must not be used.
    public func open(
        _ ciphertext: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
        associatedData: UnsafeRawBufferPointer, into plain: UnsafeMutableRawBufferPointer
    ) throws(LibCryptoError) {
        try checkLengths(nonce: nonce.count, tag: tag.count, input: ciphertext.count, output: plain.count)
        let context = try start(nonce: nonce, encrypting: false)
        // EVP_CIPHER_CTX_ctrl only reads the tag it is given here.
        try context.check("EVP_CIPHER_CTX_ctrl") {
            EVP_CIPHER_CTX_ctrl($0, EVP_CTRL_AEAD_SET_TAG, Int32(Self.tagCount), UnsafeMutableRawPointer(mutating: tag.baseAddress))
        }
        try context.authenticate(associatedData)
        try context.update(ciphertext, into: plain)
        var written: Int32 = 0
        var scratch: UInt8 = 0
        guard EVP_CipherFinal_ex(context.handle, &scratch, &written) == 1 else {
            ERR_clear_error()
            throw .authenticationFailed
        }
    }

    private func checkLengths(nonce: Int, tag: Int, input: Int, output: Int) throws(LibCryptoError) {
        guard nonce == Self.nonceCount else { throw .badLength(field: "nonce", expected: Self.nonceCount, found: nonce) }
        guard tag == Self.tagCount else { throw .badLength(field: "tag", expected: Self.tagCount, found: tag) }
        guard output == input else { throw .badLength(field: "output", expected: input, found: output) }
    }

    private func start(nonce: UnsafeRawBufferPointer, encrypting: Bool) throws(LibCryptoError) -> CipherContext {
        guard let cipher = ChaCha20Poly1305.cipher else { throw .call(function: "EVP_CIPHER_fetch", code: 0) }
        let context = try CipherContext()
        try key.withUnsafeBufferPointer { (key) throws(LibCryptoError) in
            try context.check("EVP_CipherInit_ex2") { handle in
                EVP_CipherInit_ex2(
                    handle, cipher, key.baseAddress, nonce.baseAddress!.assumingMemoryBound(to: UInt8.self), encrypting ? 1 : 0, nil)
            }
        }
        return context
    }

    /// The algorithm, fetched from the default provider once (a fetch per call would
    /// look it up by name every time).
    private nonisolated(unsafe) static let cipher: OpaquePointer? = EVP_CIPHER_fetch(nil, "ChaCha20-Poly1305", nil)
}
