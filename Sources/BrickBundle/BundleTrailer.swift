/// The end of a bundle (docs/FORMAT.md §8.4): how many records of each type it holds,
/// and the digest that identifies the whole bundle (the next bundle names it as parent).
public struct BundleTrailer: Sendable, Equatable {
    /// The bundle's digest: SHA-256 over the header's checksum and every record's
    /// checksum, the trailer's included, in order.
    public var digest: [UInt8]
    /// Records before the trailer.
    public var recordCount: UInt64
    /// Payload bytes of the records before the trailer.
    public var payloadBytes: UInt64
    /// Records per type.
    public var counts: [UInt16: UInt64]

    /// Format constants (§8.4): the trailer's field tags.
    enum Tag {
        static let recordCount: UInt16 = 1
        static let payloadBytes: UInt16 = 2
        static let counts: UInt16 = 3
    }

    var fields: BundleFields {
        var fields = BundleFields()
        fields.set(Tag.recordCount, Int64(bitPattern: recordCount))
        fields.set(Tag.payloadBytes, Int64(bitPattern: payloadBytes))
        var table: [UInt8] = []
        for type in counts.keys.sorted() {
            table.appendLittleEndian(type)
            table.appendLittleEndian(counts[type] ?? 0)
        }
        fields.set(Tag.counts, bytes: table)
        return fields
    }

    init(digest: [UInt8], recordCount: UInt64, payloadBytes: UInt64, counts: [UInt16: UInt64]) {
        self.digest = digest
        self.recordCount = recordCount
        self.payloadBytes = payloadBytes
        self.counts = counts
    }

    /// Decodes the trailer record's fields (the digest follows the record).
    init(fields: BundleFields) throws(BundleError) {
        var counts: [UInt16: UInt64] = [:]
        var cursor = ByteCursor(fields.bytes(Tag.counts) ?? [])
        while cursor.remaining > 0 {
            guard let type = cursor.read(UInt16.self), let count = cursor.read(UInt64.self) else {
                throw .damagedTrailer("count table truncated")
            }
            counts[type] = count
        }
        self.init(
            digest: [],
            recordCount: UInt64(bitPattern: try fields.requiredInt(Tag.recordCount)),
            payloadBytes: UInt64(bitPattern: try fields.requiredInt(Tag.payloadBytes)),
            counts: counts)
    }
}
