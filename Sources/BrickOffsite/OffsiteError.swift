import BrickBundle
import Foundation

/// What can go wrong exporting or importing off-site bundles, with the user, the
/// bundle and the record it concerns.
public enum OffsiteError: Error, CustomStringConvertible, Sendable {
    /// The bundle does not follow the replica's last applied one; nothing was applied.
    case chainBroken(user: String, bundle: String, missing: UInt64, detail: String)
    /// The bundle comes from another primary store than the replica's.
    case foreignStore(user: String, bundle: String, found: String, expected: String)
    /// A consolidated bundle folds sequences `first` … `last`, the replica stands at
    /// `at` inside that range, and the bundle cannot show that the replica's `at` is
    /// the one it folded; nothing was applied.
    case partlyApplied(user: String, bundle: String, first: UInt64, last: UInt64, at: UInt64)
    /// A bundle with this sequence was applied already, with other content.
    case conflictingBundle(user: String, bundle: String, sequence: UInt64)
    /// The replica directory holds a store that is not a replica (it has runs of its own
    /// and no primary).
    case notAReplica(user: String, path: String)
    /// The bundle is damaged or not a bundle; nothing of it was applied.
    case damaged(bundle: String, detail: String)
    /// The bundle is of a newer format than this Brick reads; nothing of it was applied.
    case newerFormat(bundle: String, detail: String)
    /// A record the bundle marks critical is of a kind this Brick does not know.
    case unknownRecord(user: String, bundle: String, index: UInt64, type: UInt16)
    /// A row holds a column that has no bundle field (the store is newer than the code).
    case unmappedColumn(user: String, table: String, column: String)
    /// A row record lacks what every row has (its id) or has a value of the wrong kind.
    case invalidRecord(user: String, bundle: String, index: UInt64, detail: String)

    public var description: String {
        switch self {
        case .chainBroken(let user, let bundle, let missing, let detail):
            return "user \(user): bundle \(bundle) refused: sequence \(missing) is missing (\(detail)); the replica is unchanged "
                + "(if bundle \(missing) is lost, export this target again with --full and import that bundle)"
        case .foreignStore(let user, let bundle, let found, let expected):
            return "user \(user): bundle \(bundle) refused: it comes from store \(found), the replica copies store \(expected)"
        case .partlyApplied(let user, let bundle, let first, let last, let at):
            return "user \(user): bundle \(bundle) refused: it folds sequences \(first) to \(last) and the replica is at \(at), "
                + "which the bundle does not confirm (folded by an older brick, or another chain); the replica is unchanged: "
                + "import a full bundle (export --full) or the bundles after \(at) as they were before consolidation"
        case .conflictingBundle(let user, let bundle, let sequence):
            return "user \(user): bundle \(bundle) refused: sequence \(sequence) was applied already with another digest"
        case .notAReplica(let user, let path):
            return "user \(user): \(path) holds a store with backups of its own, not a replica; import into an empty directory"
        case .damaged(let bundle, let detail):
            return "bundle \(bundle) is damaged: \(detail); nothing of it was applied"
        case .newerFormat(let bundle, let detail):
            return "bundle \(bundle) refused: \(detail); use a newer Brick; nothing of it was applied"
        case .unknownRecord(let user, let bundle, let index, let type):
            return "user \(user): bundle \(bundle), record \(index): unknown critical record type \(type); use a newer brick"
        case .unmappedColumn(let user, let table, let column):
            return "user \(user): column \(table).\(column) has no field in the bundle format"
        case .invalidRecord(let user, let bundle, let index, let detail):
            return "user \(user): bundle \(bundle), record \(index): \(detail)"
        }
    }
}

extension OffsiteError {
    /// What a failure to read bundle `bundle` means for an import: a newer format, or damage.
    static func reading(_ error: BundleError, bundle: String) -> OffsiteError {
        error.isNewerFormat ? .newerFormat(bundle: bundle, detail: "\(error)") : .damaged(bundle: bundle, detail: "\(error)")
    }
}
