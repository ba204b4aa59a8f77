import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One damaged place in a bundle file.
public struct BundleDamage: Sendable, Equatable, CustomStringConvertible {
    /// The record's index, when its head could be read or inferred.
    public var index: UInt64?
    /// Byte offset in the file.
    public var offset: UInt64
    /// What is wrong.
    public var detail: String

    public var description: String {
        (index.map { "record \($0)" } ?? "bytes") + " at byte \(offset): \(detail)"
    }
}

/// The result of scanning a whole bundle file: what is intact and where it is damaged.
public struct BundleScanReport: Sendable {
    /// The header, when it is intact.
    public var header: BundleHeader?
    /// The trailer, when it is intact and its counts and digest match.
    public var trailer: BundleTrailer?
    /// Intact records per type.
    public var intactCounts: [UInt16: UInt64] = [:]
    /// Intact records.
    public var intactRecords: UInt64 = 0
    /// Every damaged place, in file order.
    public var damage: [BundleDamage] = []
    /// Whether the whole bundle is intact.
    public var isIntact: Bool { damage.isEmpty && header != nil && trailer != nil }
}

/// Scans a bundle file past damage: a record whose payload does not match its checksum
/// is reported and skipped by its length; a damaged record head is reported and the
/// scan resumes at the next intact head (found by its magic and head check), so one bad
/// byte costs one record, and what follows can still be salvaged (`bundles verify`).
public enum BundleScan {
    /// Scans the bundle at `url`.
    public static func scan(_ url: URL) throws(BundleError) -> BundleScanReport {
        let file = try ReadOnlyFile(url)
        var info = stat()
        guard fstat(file.fd, &info) == 0 else { throw .io(path: url.path, operation: "stat", errno: errno) }
        var scanner = Scanner(file: file, size: UInt64(info.st_size))
        return try scanner.run()
    }

    private struct Scanner {
        let file: ReadOnlyFile
        let size: UInt64
        var report = BundleScanReport()
        var digest = SHA256()
        var payloadBytes: UInt64 = 0
        /// The record checksum of the bundle's format version, once the header was read.
        var checksum: RecordChecksum?

        mutating func run() throws(BundleError) -> BundleScanReport {
            var offset = try readHeader()
            guard let checksum else { return report }
            let sumSize = UInt64(checksum.size)
            var expected: UInt64 = 0
            while offset < size {
                guard let head = RecordHead(decoding: try read(at: offset, count: BundleFormat.recordHeadSize)) else {
                    report.damage.append(BundleDamage(index: nil, offset: offset, detail: "record head damaged"))
                    guard let next = try findHead(after: offset, minimumIndex: expected) else { return report }
                    offset = next
                    continue
                }
                if head.index != expected {
                    report.damage.append(BundleDamage(
                        index: expected, offset: offset, detail: "records \(expected)…\(head.index) missing or out of order"))
                }
                expected = head.index + 1
                guard head.length <= size, offset + UInt64(BundleFormat.recordHeadSize) + head.length + sumSize <= size else {
                    report.damage.append(BundleDamage(index: head.index, offset: offset, detail: "truncated"))
                    return report
                }
                let end = offset + UInt64(BundleFormat.recordHeadSize) + head.length + sumSize
                let (sum, payload) = try sum(of: head, at: offset, with: checksum, keep: head.type == BundleRecordType.trailer.rawValue)
                let stored = try read(at: end - sumSize, count: Int(sumSize))
                digest.update(data: stored)
                if sum != stored {
                    report.damage.append(BundleDamage(index: head.index, offset: offset, detail: "checksum mismatch"))
                } else if head.type == BundleRecordType.trailer.rawValue {
                    checkTrailer(payload, index: head.index, at: offset, end: end)
                    return report
                } else {
                    report.intactRecords += 1
                    report.intactCounts[head.type, default: 0] += 1
                }
                payloadBytes += head.length
                offset = end
            }
            report.damage.append(BundleDamage(index: nil, offset: size, detail: "ends before its trailer"))
            return report
        }

        /// Reads and checks the header; returns the offset of the first record.
        mutating func readHeader() throws(BundleError) -> UInt64 {
            let magic = try read(at: 0, count: min(Int(size), BundleFormat.magic.count))
            guard magic == BundleFormat.magic else { throw .notABundle }
            let fixed = try read(at: 8, count: 6)
            var cursor = ByteCursor(fixed)
            let version = cursor.read(UInt16.self) ?? 0
            guard BundleFormat.readableVersions.contains(version) else { throw .unsupportedVersion(version) }
            checksum = try RecordChecksum(version: version)
            let length = UInt64(cursor.read(UInt32.self) ?? 0)
            let fieldsEnd = 14 + length
            guard length <= UInt64(BundleFormat.maximumHeaderSize), fieldsEnd + 32 <= size else {
                report.damage.append(BundleDamage(index: nil, offset: 0, detail: "header damaged"))
                return try findHead(after: 0, minimumIndex: 0) ?? size
            }
            let start = try read(at: 0, count: Int(fieldsEnd))
            let stored = try read(at: fieldsEnd, count: 32)
            digest.update(data: stored)
            if stored == Array(SHA256.hash(data: start)),
                let header = try? BundleHeader(fields: BundleFields(decoding: Array(start[14...])))
            {
                report.header = header
            } else {
                report.damage.append(BundleDamage(index: nil, offset: 0, detail: "header damaged"))
            }
            return fieldsEnd + 32
        }

        mutating func checkTrailer(_ payload: [UInt8], index: UInt64, at offset: UInt64, end: UInt64) {
            guard var trailer = try? BundleTrailer(fields: BundleFields(decoding: payload)) else {
                report.damage.append(BundleDamage(index: index, offset: offset, detail: "trailer does not decode"))
                return
            }
            let computed = Array(digest.finalize())
            let stored = try? read(at: end, count: 32)
            let endMark = try? read(at: end + 32, count: BundleFormat.endMagic.count)
            guard report.damage.isEmpty else { return }
            if trailer.recordCount != report.intactRecords || trailer.counts != report.intactCounts
                || trailer.payloadBytes != payloadBytes
            {
                report.damage.append(BundleDamage(index: index, offset: offset, detail: "trailer counts differ from the records"))
            } else if stored != computed {
                report.damage.append(BundleDamage(index: nil, offset: end, detail: "bundle digest mismatch"))
            } else if endMark != BundleFormat.endMagic {
                report.damage.append(BundleDamage(index: nil, offset: end + 32, detail: "end mark missing"))
            } else {
                trailer.digest = computed
                report.trailer = trailer
            }
        }

        /// The checksum of a record's head and payload, read in pieces; keeps the payload when asked.
        func sum(
            of head: RecordHead, at offset: UInt64, with sum: RecordChecksum, keep: Bool
        ) throws(BundleError) -> ([UInt8], [UInt8]) {
            try sum.start(head: head.encoded)
            var kept: [UInt8] = []
            var position = offset + UInt64(BundleFormat.recordHeadSize)
            var remaining = head.length
            while remaining > 0 {
                let chunk = try read(at: position, count: Int(min(remaining, 1 << 20)))
                try sum.update(chunk)
                if keep { kept += chunk }
                position += UInt64(chunk.count)
                remaining -= UInt64(chunk.count)
            }
            return (sum.finish(), kept)
        }

        /// The offset of the next intact record head after `offset`.
        func findHead(after offset: UInt64, minimumIndex: UInt64) throws(BundleError) -> UInt64? {
            var position = offset + 1
            while position + UInt64(BundleFormat.recordHeadSize) <= size {
                let window = try read(at: position, count: Int(min(1 << 20, size - position)))
                var index = 0
                while index + 4 <= window.count {
                    if window[index] == 0x42, Array(window[index..<index + 4]) == BundleFormat.recordMagic,
                        position + UInt64(index + BundleFormat.recordHeadSize) <= size,
                        let head = RecordHead(decoding: try read(at: position + UInt64(index), count: BundleFormat.recordHeadSize)),
                        head.index >= minimumIndex
                    {
                        return position + UInt64(index)
                    }
                    index += 1
                }
                position += UInt64(max(1, window.count - 3))
            }
            return nil
        }

        func read(at offset: UInt64, count: Int) throws(BundleError) -> [UInt8] {
            try file.read(at: offset, count: count)
        }
    }
}
