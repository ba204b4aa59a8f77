import CLibCrypto

/// A failed libcrypto call, or a message that does not authenticate.
public enum LibCryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The C function that failed, with the library's first queued error code (0 when
    /// it queued none).
    case call(function: String, code: UInt)
    /// A key, nonce or tag of the wrong length: the sizes the cipher needs and was given.
    case badLength(field: String, expected: Int, found: Int)
    /// The tag does not match: the ciphertext, the associated data, the nonce or the key
    /// is not the one it was sealed with.
    case authenticationFailed

    public var description: String {
        switch self {
        case .call(let function, let code):
            guard code != 0, let reason = ERR_reason_error_string(code) else { return "\(function) failed" }
            return "\(function) failed: \(String(cString: reason))"
        case .badLength(let field, let expected, let found):
            return "\(field) of \(found) bytes, expected \(expected)"
        case .authenticationFailed:
            return "the message does not authenticate"
        }
    }
}
