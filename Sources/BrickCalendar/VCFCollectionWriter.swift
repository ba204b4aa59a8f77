/// Writes many vCards as one `.vcf` file: the cards concatenated in the order added,
/// each ending in a line break.
public struct VCFCollectionWriter: Sendable {
    /// Cards added so far.
    public private(set) var cardCount = 0

    /// Creates an empty collection.
    public init() {}

    /// Adds one vCard; throws when `bytes` hold no BEGIN:VCARD … END:VCARD.
    public mutating func add(_ bytes: [UInt8]) throws(CalendarFormatError) {
        throw .noComponents
    }

    /// The cards added, concatenated.
    public func bytes() -> [UInt8] { [] }
}
