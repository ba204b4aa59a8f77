import Foundation

/// What a bundle holds: a full copy of a user's store, the changes since its parent
/// bundle, or several consecutive bundles folded into one.
public enum BundleKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case full = 1
    case incremental = 2
    case consolidated = 3

    public var description: String {
        switch self {
        case .full: return "full"
        case .incremental: return "incremental"
        case .consolidated: return "consolidated"
        }
    }
}

/// The self-describing start of a bundle (docs/FORMAT.md §8.1): whose store and user it
/// belongs to, where it stands in that user's chain, and which runs it covers.
public struct BundleHeader: Sendable, Equatable {
    /// The primary store's identity (its `meta.store_id`).
    public var storeID: String
    /// The user whose changes the bundle holds.
    public var user: String
    /// Position in the user's chain for one export target: 1, 2, 3…
    public var sequence: UInt64
    /// The sequence of the bundle this one follows, 0 when none.
    public var parentSequence: UInt64
    /// The digest of the bundle this one follows (32 bytes), empty when none.
    public var parentDigest: [UInt8]
    /// Full, incremental or consolidated.
    public var kind: BundleKind
    /// When the bundle was written.
    public var createdAt: Date
    /// The Brick version that wrote it.
    public var brickVersion: String
    /// Runs after this one are covered (0: from the beginning).
    public var fromRun: Int64
    /// The last run covered.
    public var toRun: Int64
    /// The first sequence this bundle covers: its own sequence, or for a consolidated
    /// bundle the first of the bundles folded into it.
    public var firstSequence: UInt64
    /// For a consolidated bundle, the chain digest of the bundle it stands in for (the
    /// last one folded), which later bundles name as their parent; empty otherwise.
    public var replacesDigest: [UInt8]
    /// For a consolidated bundle, the chain digest of every bundle it folded, first
    /// sequence to last (header tag 13), so that a replica already past the first can
    /// check where it stands in the range; empty when not known.
    public var foldedDigests: [[UInt8]]

    /// Creates a header.
    public init(
        storeID: String, user: String, sequence: UInt64, parentSequence: UInt64, parentDigest: [UInt8],
        kind: BundleKind, createdAt: Date, brickVersion: String, fromRun: Int64, toRun: Int64,
        firstSequence: UInt64? = nil, replacesDigest: [UInt8] = [], foldedDigests: [[UInt8]] = []
    ) {
        self.foldedDigests = foldedDigests
        self.firstSequence = firstSequence ?? sequence
        self.replacesDigest = replacesDigest
        self.storeID = storeID
        self.user = user
        self.sequence = sequence
        self.parentSequence = parentSequence
        self.parentDigest = parentDigest
        self.kind = kind
        self.createdAt = createdAt
        self.brickVersion = brickVersion
        self.fromRun = fromRun
        self.toRun = toRun
    }

    /// Format constants (§8.1): the header's field tags.
    enum Tag {
        static let storeID: UInt16 = 1
        static let user: UInt16 = 2
        static let sequence: UInt16 = 3
        static let parentSequence: UInt16 = 4
        static let parentDigest: UInt16 = 5
        static let kind: UInt16 = 6
        static let createdAt: UInt16 = 7
        static let brickVersion: UInt16 = 8
        static let fromRun: UInt16 = 9
        static let toRun: UInt16 = 10
        static let firstSequence: UInt16 = 11
        static let replacesDigest: UInt16 = 12
        static let foldedDigests: UInt16 = 13
    }

    var fields: BundleFields {
        var fields = BundleFields()
        fields.set(Tag.storeID, storeID)
        fields.set(Tag.user, user)
        fields.set(Tag.sequence, Int64(bitPattern: sequence))
        fields.set(Tag.parentSequence, Int64(bitPattern: parentSequence))
        fields.set(Tag.parentDigest, bytes: parentDigest)
        fields.set(Tag.kind, Int64(kind.rawValue))
        fields.set(Tag.createdAt, Int64(createdAt.timeIntervalSince1970.rounded(.down)))
        fields.set(Tag.brickVersion, brickVersion)
        fields.set(Tag.fromRun, fromRun)
        fields.set(Tag.toRun, toRun)
        if firstSequence != sequence { fields.set(Tag.firstSequence, Int64(bitPattern: firstSequence)) }
        if !replacesDigest.isEmpty { fields.set(Tag.replacesDigest, bytes: replacesDigest) }
        if !foldedDigests.isEmpty { fields.set(Tag.foldedDigests, bytes: foldedDigests.flatMap { $0 }) }
        return fields
    }

    init(fields: BundleFields) throws(BundleError) {
        do {
            let kindValue = try fields.requiredInt(Tag.kind)
            guard let kind = BundleKind(rawValue: UInt8(truncatingIfNeeded: kindValue)), kindValue >= 0, kindValue < 256 else {
                throw BundleError.damagedHeader("unknown kind \(kindValue)")
            }
            let parentDigest = fields.bytes(Tag.parentDigest) ?? []
            let replacesDigest = fields.bytes(Tag.replacesDigest) ?? []
            guard parentDigest.isEmpty || parentDigest.count == 32, replacesDigest.isEmpty || replacesDigest.count == 32 else {
                throw BundleError.damagedHeader("a digest that is not 32 bytes")
            }
            let sequence = UInt64(bitPattern: try fields.requiredInt(Tag.sequence))
            let folded = fields.bytes(Tag.foldedDigests) ?? []
            guard folded.count % 32 == 0 else { throw BundleError.damagedHeader("folded digests that are not 32 bytes each") }
            self.init(
                storeID: try fields.requiredString(Tag.storeID),
                user: try fields.requiredString(Tag.user),
                sequence: sequence,
                parentSequence: UInt64(bitPattern: try fields.requiredInt(Tag.parentSequence)),
                parentDigest: parentDigest,
                kind: kind,
                createdAt: Date(timeIntervalSince1970: TimeInterval(try fields.requiredInt(Tag.createdAt))),
                brickVersion: try fields.string(Tag.brickVersion) ?? "",
                fromRun: try fields.requiredInt(Tag.fromRun),
                toRun: try fields.requiredInt(Tag.toRun),
                firstSequence: try fields.int(Tag.firstSequence).map { UInt64(bitPattern: $0) } ?? sequence,
                replacesDigest: replacesDigest,
                foldedDigests: stride(from: 0, to: folded.count, by: 32).map { Array(folded[$0..<$0 + 32]) })
        } catch let error as BundleError {
            if case .badField(let tag, let detail) = error { throw .damagedHeader("field \(tag): \(detail)") }
            throw error
        } catch {
            throw .damagedHeader("\(error)")
        }
    }
}
