import Foundation

/// What the end of a bundle file says, read without its records (docs/FORMAT.md §8.4,
/// §9.4): the digest that stands for the bundle in its chain and, for a plain bundle,
/// the trailer's record counts (its own checksum checked). Nothing before the trailer
/// is checked: an import and `bundles verify` read the bundle whole; `bundles list`
/// and the "already applied?" check of an import need no more than this.
public struct BundleTail: Sendable {
    /// The bundle's chain digest: its digest, or for a consolidated bundle the digest
    /// of the bundle it stands in for.
    public var chainDigest: [UInt8]
    /// Records per type from the trailer; nil for an encrypted bundle (only the key
    /// opens its trailer).
    public var counts: [UInt16: UInt64]?

    /// The most a trailer record, digest and end mark take at the end of a plain
    /// bundle: the count table holds one entry per record type.
    static let searchedBytes = 64 << 10

    /// Reads the end of the single bundle in the file at `url`, whose header is `header`.
    public static func read(_ url: URL, header: BundleHeader, encrypted: Bool) throws -> BundleTail {
        let file = try ReadOnlyFile(url)
        var info = stat()
        guard fstat(file.fd, &info) == 0 else { throw BundleError.io(path: url.path, operation: "stat", errno: errno) }
        let size = UInt64(info.st_size)
        if encrypted {
            // u32 mark, u64 chunks, chain digest, outer digest, end mark.
            guard size >= 84 else { throw BundleError.truncated(offset: size) }
            let end = try file.read(at: size - 84, count: 84)
            guard Array(end[76...]) == EnvelopeFormat.endMagic else { throw BundleError.damagedTrailer("no end mark") }
            return BundleTail(chainDigest: Array(end[12..<44]), counts: nil)
        }
        guard size >= 10 else { throw BundleError.truncated(offset: size) }
        var cursor = ByteCursor(try file.read(at: 8, count: 2))
        let version = cursor.read(UInt16.self) ?? 0
        guard BundleFormat.readableVersions.contains(version) else { throw BundleError.unsupportedVersion(version) }
        let checksum = try RecordChecksum(version: version)
        let sumSize = checksum.size
        let count = Int(min(size, UInt64(searchedBytes)))
        let bytes = try file.read(at: size - UInt64(count), count: count)
        let minimum = BundleFormat.recordHeadSize + sumSize + BundleFormat.checksumSize + BundleFormat.endMagic.count
        guard count >= minimum, Array(bytes[(count - 8)...]) == BundleFormat.endMagic else {
            throw BundleError.damagedTrailer("no end mark")
        }
        let digest = Array(bytes[(count - 40)..<(count - 8)])
        let recordEnd = count - 40
        var start = recordEnd - BundleFormat.recordHeadSize - sumSize
        while start >= 0 {
            if bytes[start] == BundleFormat.recordMagic[0], let head = RecordHead(decoding: Array(bytes[start..<start + BundleFormat.recordHeadSize])),
                head.type == BundleRecordType.trailer.rawValue,
                UInt64(start + BundleFormat.recordHeadSize + sumSize) + head.length == UInt64(recordEnd)
            {
                let payloadEnd = recordEnd - sumSize
                try checksum.start(head: Array(bytes[start..<start + BundleFormat.recordHeadSize]))
                try checksum.update(Array(bytes[(start + BundleFormat.recordHeadSize)..<payloadEnd]))
                guard Array(bytes[payloadEnd..<recordEnd]) == checksum.finish() else {
                    throw BundleError.damagedTrailer("checksum mismatch")
                }
                let trailer = try BundleTrailer(fields: BundleFields(decoding: Array(bytes[(start + BundleFormat.recordHeadSize)..<payloadEnd])))
                return BundleTail(chainDigest: header.replacesDigest.isEmpty ? digest : header.replacesDigest, counts: trailer.counts)
            }
            start -= 1
        }
        throw BundleError.damagedTrailer("no trailer record before the digest")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
