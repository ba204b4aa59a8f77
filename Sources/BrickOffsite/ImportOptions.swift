import BrickBundle
import Foundation

/// How far and how an import applies bundles.
public struct ImportOptions: Sendable {
    /// Where to stop: bundles after this point are not applied.
    public var until: ImportLimit?
    /// Keep what the primary purged: tombstones mark rows deleted instead of removing
    /// them, and a full bundle removes nothing.
    public var keepPurged: Bool
    /// The private keys that open encrypted bundles (FORMAT.md §9).
    public var identities: [BundleIdentity]

    /// Options for an import.
    public init(until: ImportLimit? = nil, keepPurged: Bool = false, identities: [BundleIdentity] = []) {
        self.until = until
        self.keepPurged = keepPurged
        self.identities = identities
    }
}

/// The last point an import applies, `--until SEQ|DATE`.
public enum ImportLimit: Sendable, Hashable {
    /// Up to and including this sequence number.
    case sequence(UInt64)
    /// Bundles created at or before this time.
    case date(Date)

    /// True when `header` lies beyond the limit.
    func excludes(_ header: BundleHeader) -> Bool {
        switch self {
        case .sequence(let last): return header.sequence > last
        case .date(let date): return header.createdAt > date
        }
    }
}

/// What became of one bundle read by an import.
public struct ImportReport: Sendable {
    /// What the import did with it.
    public enum Outcome: Sendable {
        /// Applied to the replica.
        case applied
        /// Applied before, with the same digest: nothing done.
        case alreadyApplied
        /// Beyond `--until`: not applied.
        case beyondLimit
        /// Never applied, and older than the replica's last bundle (`latest`), which a
        /// full bundle brought past it: the replica holds all it held already.
        case superseded(latest: UInt64)
        /// Refused (a gap, another store, a bundle of a user refused before); the replica
        /// is unchanged.
        case refused(OffsiteError)
    }

    /// The user.
    public var user: String
    /// Where the bundle came from.
    public var bundle: String
    /// Its sequence number and kind.
    public var sequence: UInt64
    /// Full, incremental or consolidated.
    public var kind: BundleKind
    /// What the import did.
    public var outcome: Outcome
    /// Records applied.
    public var folders = 0, items = 0, values = 0, settings = 0, runs = 0, purges = 0
    /// Legal hold rows applied.
    public var holds = 0
    /// Bytes of the values applied.
    public var valueBytes: Int64 = 0
}

extension BundleHeader {
    /// The digest the next bundle names as its parent: the bundle's own digest, or for
    /// a consolidated bundle (kind consolidated, or full when the fold began with a full
    /// bundle) the digest of the last bundle it folded (FORMAT.md §8.4).
    func chainDigest(trailer: BundleTrailer) -> [UInt8] {
        replacesDigest.isEmpty ? trailer.digest : replacesDigest
    }
}
