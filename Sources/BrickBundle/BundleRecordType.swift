/// The type of a bundle record. The codec knows only its own trailer type; the store's
/// record types (folders, items, values, runs…) are defined by the code that writes them
/// (docs/FORMAT.md §8.5), and later kinds of data add new types without a format break.
public struct BundleRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    /// Creates a record type.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The trailer, the last record of every bundle (§8.4).
    public static let trailer = BundleRecordType(rawValue: 0xFFFF)

    public var description: String { String(rawValue) }
}

/// The head of one record, as a reader meets it.
public struct BundleRecordHead: Sendable, Equatable {
    /// The record's type.
    public var type: BundleRecordType
    /// Whether a reader that does not know the type may skip the record.
    public var skippable: Bool
    /// Payload bytes.
    public var length: UInt64
    /// The record's position in the bundle, from 0.
    public var index: UInt64
    /// Byte offset of the record's head in the bundle.
    public var offset: UInt64
}
