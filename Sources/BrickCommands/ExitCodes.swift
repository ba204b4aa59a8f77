import ArgumentParser
import BrickBundle
import BrickStore

/// The exit codes of both tools, in one table that `--help` shows too.
public enum BrickExit: Int32, CaseIterable, Sendable {
    /// Everything went well.
    case success = 0
    /// Some users, folders or items failed; the rest was done.
    case partialFailure = 1
    /// Bad arguments or configuration, or a store or bundle of a newer format than this
    /// Brick reads: nothing was done.
    case usage = 2
    /// A user's store is locked by another running backup or purge.
    case locked = 3
    /// `verify` found damaged or missing items (or a damaged catalog); `repair` left
    /// something unrecoverable; `import` refused a damaged bundle or a broken chain;
    /// `bundles verify` found one.
    case integrity = 4

    /// One line per code, for `--help`.
    static var helpText: String {
        """
        Exit codes:
          0  success
          1  partial failure: some users, folders or items failed (see the summary)
          2  usage or configuration error, or a store or bundle of a newer
             format than this Brick reads: nothing was done
          3  a store is locked by another backup or purge (its pid is named)
          4  verify found damaged or missing items or a damaged catalog;
             repair found items it cannot bring back; import refused (or bundles
             verify found) a damaged bundle or one that does not follow the last
        """
    }

    /// The code for an error that ended a whole command.
    static func forError(_ error: any Error) -> BrickExit {
        switch error {
        case let store as StoreError:
            switch store {
            case .locked: return .locked
            case .invalidUserName, .storeNotFound, .folderNotFound, .itemNotFound, .formatTooNew: return .usage
            case .keyRequired, .wrongKey, .unusableSecret, .catalogTextSealed, .textIndexNotKept: return .usage
            default: return .partialFailure
            }
        case let bundle as BundleError:
            switch bundle {
            case .io, .hashing, .misuse: return .partialFailure
            case .noMatchingIdentity, .consolidationRefused: return .usage
            default: return bundle.isNewerFormat ? .usage : .integrity
            }
        case is UsageError, is ValidationError: return .usage
        default: return .partialFailure
        }
    }
}

/// A problem with what the administrator asked for, reported as one line, exit code 2.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    /// The message.
    public var description: String

    /// Creates a usage error.
    public init(_ description: String) { self.description = description }
}
