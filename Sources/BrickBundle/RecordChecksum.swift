import Crypto
import XXHash

/// The checksum of one record (docs/FORMAT.md §8.2) over its head and payload:
/// XXH3-128 (16 bytes) in bundle format 2, SHA-256 (32 bytes) in format 1. A damage
/// check, computed at the speed of memory in format 2; the bundle digest over these
/// sums stays SHA-256 (§8.4). One value is reused for record after record.
final class RecordChecksum {
    /// The bundle format version whose checksum this computes.
    let version: UInt16
    private var sha256 = SHA256()
    private let xxh3: XXH3Hasher?

    /// A checksum for records of bundle format `version` (1 or 2).
    init(version: UInt16) throws(BundleError) {
        self.version = version
        do {
            xxh3 = version >= 2 ? try XXH3Hasher() : nil
        } catch {
            throw .hashing("\(error)")
        }
    }

    /// Bytes of a record checksum in bundle format `version`.
    static func size(version: UInt16) -> Int {
        version >= 2 ? XXH3Hasher.digestSize : 32
    }

    /// Bytes of this checksum.
    var size: Int { RecordChecksum.size(version: version) }

    /// Starts the next record with its encoded head.
    func start(head: [UInt8]) throws(BundleError) {
        if let xxh3 {
            do {
                try xxh3.reset()
            } catch {
                throw .hashing("\(error)")
            }
        } else {
            sha256 = SHA256()
        }
        try update(head)
    }

    /// Adds payload bytes of the open record.
    func update(_ bytes: [UInt8]) throws(BundleError) {
        try bytes.withUnsafeBytes { buffer in Result { () throws(BundleError) in try update(buffer) } }.get()
    }

    /// Adds payload bytes of the open record.
    func update(_ bytes: UnsafeRawBufferPointer) throws(BundleError) {
        guard let xxh3 else {
            sha256.update(bufferPointer: bytes)
            return
        }
        do {
            try xxh3.update(bytes)
        } catch {
            throw .hashing("\(error)")
        }
    }

    /// The open record's checksum.
    func finish() -> [UInt8] {
        xxh3?.digest() ?? Array(sha256.finalize())
    }
}
