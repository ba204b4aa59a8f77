/// What can be wrong with a bundle or with writing one. Every case names the record
/// (its index, from 0, and its byte offset in the bundle) where it applies, so damage is
/// located and the rest can be salvaged.
public indirect enum BundleError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The bytes do not start with a bundle's magic.
    case notABundle
    /// A bundle of a newer format than this code reads.
    case unsupportedVersion(UInt16)
    /// An encrypted bundle's envelope of a newer version than this code reads (§9.2).
    case unsupportedEnvelopeVersion(UInt16)
    /// A bundle file of a directory whose header does not read (damaged, or of a newer
    /// format: `underlying` says which), so its user's chain cannot be listed.
    case unreadableBundle(path: String, underlying: BundleError)
    /// The record checksum's hash function failed (it could not allocate its state).
    case hashing(String)
    /// The header is damaged (its checksum does not match, or a field is missing).
    case damagedHeader(String)
    /// A record's head or payload does not match its checksum.
    case damagedRecord(index: UInt64, offset: UInt64, detail: String)
    /// The input ended inside the bundle.
    case truncated(offset: UInt64)
    /// The trailer's counts or the bundle's digest do not match what was read.
    case damagedTrailer(String)
    /// A record of a type this code does not know and may not skip.
    case unknownCriticalRecord(type: UInt16, index: UInt64)
    /// A field of a record is missing, duplicated or of the wrong kind.
    case badField(tag: UInt16, detail: String)
    /// The caller used the writer or reader out of order (a bug in the caller).
    case misuse(String)
    /// A key's text form is wrong.
    case badKey(String)
    /// An encrypted bundle cannot be opened: no identity given, or none of them is a
    /// recipient (`recipients` are the bundle's key ids in hex).
    case noMatchingIdentity(recipients: [String])
    /// An encrypted chunk failed authentication: modified, swapped, or the wrong key.
    case damagedChunk(index: UInt64, offset: UInt64)
    /// Reading or writing the bundle's file or stream failed.
    case io(path: String, operation: String, errno: Int32)
    /// A consolidation of encrypted bundles was refused: no key to open them, no
    /// recipients to seal the folded bundle, or recipients the chain had dropped.
    case consolidationRefused(String)

    /// True when the bundle is of a newer format or envelope than this code reads: not
    /// damage, but a Brick too old for it.
    public var isNewerFormat: Bool {
        switch self {
        case .unsupportedVersion, .unsupportedEnvelopeVersion: return true
        case .unreadableBundle(_, let underlying): return underlying.isNewerFormat
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .notABundle: return "not a Brick bundle"
        case .unsupportedVersion(let version):
            let readable = BundleFormat.readableVersions
            return "bundle format \(version) is newer than this Brick reads (\(readable.lowerBound) to \(readable.upperBound))"
        case .unsupportedEnvelopeVersion(let version):
            return "bundle envelope version \(version) is newer than this Brick reads (\(EnvelopeFormat.version))"
        case .unreadableBundle(let path, let underlying): return "\(path): \(underlying)"
        case .hashing(let detail): return "record checksum: \(detail)"
        case .damagedHeader(let detail): return "damaged bundle header: \(detail)"
        case .damagedRecord(let index, let offset, let detail):
            return "damaged record \(index) at byte \(offset): \(detail)"
        case .truncated(let offset): return "bundle ends early, at byte \(offset)"
        case .damagedTrailer(let detail): return "damaged bundle trailer: \(detail)"
        case .unknownCriticalRecord(let type, let index):
            return "record \(index) has type \(type), which this Brick does not know and may not skip"
        case .badField(let tag, let detail): return "field \(tag): \(detail)"
        case .misuse(let detail): return "bundle used out of order: \(detail)"
        case .badKey(let detail): return "bad key: \(detail)"
        case .noMatchingIdentity(let recipients):
            return "encrypted for key id \(recipients.joined(separator: ", ")); no matching identity given (--identity)"
        case .damagedChunk(let index, let offset):
            return "encrypted chunk \(index) at byte \(offset) does not authenticate (modified, moved, or the wrong key)"
        case .io(let path, let operation, let errno):
            return "\(operation) \(path): \(String(cString: strerror(errno)))"
        case .consolidationRefused(let detail): return detail
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
