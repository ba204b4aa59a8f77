/// The 64-bit FNV-1a hash of an ETag, kept as a DAV item's MODSEQ (FORMAT.md §4) so
/// a listing can tell changed resources without storing the ETags themselves.
public enum ETagHash {
    /// The hash of `etag` as the server wrote it (quotes included).
    public static func of(_ etag: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in etag.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
