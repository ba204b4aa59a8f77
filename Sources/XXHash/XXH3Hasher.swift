import CXXHash

/// XXH3-128 of xxHash 0.8 (a fast non-cryptographic hash: a damage check, not a proof
/// against deliberate change), computed in pieces. It owns libxxhash's state, frees it
/// when released, and is reset to hash the next input without a new allocation.
///
/// Not thread-safe: keep one per thread.
public final class XXH3Hasher {
    private let state: OpaquePointer

    /// Bytes of a digest.
    public static let digestSize = 16

    /// Creates a hasher ready for its first input.
    public init() throws(XXHashError) {
        guard let state = XXH3_createState() else {
            throw XXHashError(function: "XXH3_createState", detail: "out of memory")
        }
        self.state = state
        try reset()
    }

    deinit { XXH3_freeState(state) }

    /// Starts a new input, forgetting what was hashed before.
    public func reset() throws(XXHashError) {
        try Self.check(XXH3_128bits_reset(state), "XXH3_128bits_reset")
    }

    /// Adds `bytes` to the input.
    public func update(_ bytes: UnsafeRawBufferPointer) throws(XXHashError) {
        try Self.check(XXH3_128bits_update(state, bytes.baseAddress, bytes.count), "XXH3_128bits_update")
    }

    /// Adds `bytes` to the input.
    public func update(_ bytes: [UInt8]) throws(XXHashError) {
        let code = bytes.withUnsafeBytes { XXH3_128bits_update(state, $0.baseAddress, $0.count) }
        try Self.check(code, "XXH3_128bits_update")
    }

    /// Adds `bytes` to the input.
    public func update(_ bytes: ArraySlice<UInt8>) throws(XXHashError) {
        let code = bytes.withUnsafeBytes { XXH3_128bits_update(state, $0.baseAddress, $0.count) }
        try Self.check(code, "XXH3_128bits_update")
    }

    /// The digest of the input so far, 16 bytes in xxHash's canonical (big-endian)
    /// form, as `xxhsum -H2` prints it. The input may be continued afterwards.
    public func digest() -> [UInt8] {
        var canonical = XXH128_canonical_t()
        XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state))
        return withUnsafeBytes(of: &canonical.digest) { Array($0) }
    }

    /// The digest of `bytes` alone.
    public static func hash(_ bytes: [UInt8]) throws(XXHashError) -> [UInt8] {
        let hasher = try XXH3Hasher()
        try hasher.update(bytes)
        return hasher.digest()
    }

    private static func check(_ code: XXH_errorcode, _ function: String) throws(XXHashError) {
        guard code == XXH_OK else { throw XXHashError(function: function, detail: "failed (error code \(code.rawValue))") }
    }
}
