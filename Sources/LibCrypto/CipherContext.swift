import CLibCrypto

/// One `EVP_CIPHER_CTX`, freed in `deinit`. Use it on one thread.
final class CipherContext {
    let handle: OpaquePointer

    init() throws(LibCryptoError) {
        guard let handle = EVP_CIPHER_CTX_new() else { throw LibCryptoError.lastCall("EVP_CIPHER_CTX_new") }
        self.handle = handle
    }

    deinit { EVP_CIPHER_CTX_free(handle) }

    /// Runs a libcrypto call that returns 1 on success; anything else throws with the
    /// function's name and the library's queued error.
    func check(_ function: String, _ body: (OpaquePointer) -> Int32) throws(LibCryptoError) {
        guard body(handle) == 1 else { throw LibCryptoError.lastCall(function) }
    }

    /// Feeds `input` through the cipher into `output` (of the same length), in pieces
    /// that fit the library's `int` lengths. A stream cipher writes as many bytes as
    /// it reads.
    func update(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(LibCryptoError) {
        let piece = 1 << 30
        var done = 0
        while done < input.count {
            let count = min(piece, input.count - done)
            var written: Int32 = 0
            try check("EVP_CipherUpdate") { handle in
                EVP_CipherUpdate(
                    handle, output.baseAddress!.advanced(by: done).assumingMemoryBound(to: UInt8.self), &written,
                    input.baseAddress!.advanced(by: done).assumingMemoryBound(to: UInt8.self), Int32(count))
            }
            guard Int(written) == count else { throw LibCryptoError.call(function: "EVP_CipherUpdate", code: 0) }
            done += count
        }
    }

    /// Feeds `data` to the cipher as associated data (authenticated, not encrypted).
    func authenticate(_ data: UnsafeRawBufferPointer) throws(LibCryptoError) {
        guard let base = data.baseAddress, data.count > 0 else { return }
        guard data.count <= Int(Int32.max) else {
            throw LibCryptoError.badLength(field: "associated data", expected: Int(Int32.max), found: data.count)
        }
        var written: Int32 = 0
        try check("EVP_CipherUpdate") { handle in
            EVP_CipherUpdate(handle, nil, &written, base.assumingMemoryBound(to: UInt8.self), Int32(data.count))
        }
    }
}

extension LibCryptoError {
    /// The error for `function`, with the first error libcrypto queued on this thread;
    /// the queue is emptied.
    static func lastCall(_ function: String) -> LibCryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        return .call(function: function, code: UInt(code))
    }
}
