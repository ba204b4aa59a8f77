/// Format constants of a bundle (docs/FORMAT.md §8). A bundle is a header, framed
/// records and a trailer record, followed by the bundle's digest and an end mark.
enum BundleFormat {
    /// Format constant (§8.1): the first eight bytes of every bundle.
    static let magic: [UInt8] = Array("BRKBUNDL".utf8)
    /// Format constant (§8.1): the bundle format version this code writes.
    static let version: UInt16 = 2
    /// Format constant (§8.1): the bundle format versions this code reads: 1 (SHA-256
    /// record checksums) and 2 (XXH3-128 record checksums).
    static let readableVersions: ClosedRange<UInt16> = 1...2
    /// Format constant (§8.2): the first four bytes of every record.
    static let recordMagic: [UInt8] = Array("BRKR".utf8)
    /// Format constant (§8.4): the last eight bytes of every bundle.
    static let endMagic: [UInt8] = Array("BRKBEND\n".utf8)
    /// Format constant (§8.2): bytes of a record head (magic, type, flags, index,
    /// length, head check).
    static let recordHeadSize = 28
    /// Format constant (§8.1, §8.4): bytes of a SHA-256 checksum (the header checksum
    /// and the bundle digest, in every version).
    static let checksumSize = 32
    /// Format constant (§8.2): record flag bit 0, "a reader that does not know this
    /// type may skip the record".
    static let skippableFlag: UInt16 = 1
    /// The largest header a reader accepts: a damaged length never allocates more.
    static let maximumHeaderSize = 1 << 20
    /// The largest record a reader reads whole into memory (`readFields`); values are
    /// streamed instead.
    static let maximumFieldsSize = 64 << 20
}
