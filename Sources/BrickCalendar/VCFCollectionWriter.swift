/// Writes many vCards as one `.vcf` file: each card's bytes exactly as given (from
/// its BEGIN:VCARD to its END:VCARD line), concatenated in the order added, each
/// ending in a line break.
public struct VCFCollectionWriter: Sendable {
    /// Cards added so far.
    public private(set) var cardCount = 0
    private var output: [UInt8] = []

    /// Creates an empty collection, or one that continues `existing` (an earlier
    /// .vcf file, kept as it is).
    public init(existing: [UInt8] = []) {
        output = existing
        if let last = output.last, last != 0x0A { output += [0x0D, 0x0A] }
    }

    /// Adds one vCard (or every card of a .vcf file); throws when `bytes` hold no
    /// BEGIN:VCARD … END:VCARD.
    public mutating func add(_ bytes: [UInt8]) throws(CalendarFormatError) {
        let (cards, _) = Component.tree(ContentLineReader.lines(bytes, skippingValues: ContentLineReader.bulkyProperties))
        guard cards.contains(where: { $0.name == "VCARD" }) else { throw .noComponents }
        output.append(contentsOf: bytes)
        if let last = bytes.last, last != 0x0A { output += [0x0D, 0x0A] }
        cardCount += 1
    }

    /// The cards added, concatenated.
    public func bytes() -> [UInt8] { output }
}
