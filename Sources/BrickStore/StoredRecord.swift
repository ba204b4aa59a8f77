import BerkeleyDB

/// A record of an item file as a read for export hands it over: bytes of its own
/// (copied from Berkeley DB), or the slices of the file's mapped pages that hold it
/// (a full export's direct reads, docs/DESIGN.md "Direct reads"), passed on uncopied.
public enum StoredRecord {
    /// The record's bytes.
    case bytes([UInt8])
    /// The record where it lies in the file's mapped pages.
    case mapped(MappedValue)

    /// Bytes of the record.
    public var count: Int {
        switch self {
        case .bytes(let bytes): bytes.count
        case .mapped(let value): value.count
        }
    }

    /// The record's bytes, copied when they are mapped.
    public var bytes: [UInt8] {
        switch self {
        case .bytes(let bytes): bytes
        case .mapped(let value): value.bytes
        }
    }

    /// The record's first `length` bytes (all of them when it is shorter).
    func prefix(_ length: Int) -> [UInt8] {
        switch self {
        case .bytes(let bytes): Array(bytes.prefix(length))
        case .mapped(let value): value.prefix(length)
        }
    }
}
