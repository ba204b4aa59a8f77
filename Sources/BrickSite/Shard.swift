import Crypto
import Foundation

/// One of N shards of a site's users (`--shard I/N`, I from 0): a user belongs to the
/// shard `UInt64(big-endian first 8 bytes of SHA-256(UTF-8 name)) mod N`. The hash is
/// stable across processes, machines and versions (unlike Swift's seeded `Hasher`), so
/// the same user always lands in the same shard whatever the other users or their order,
/// and N machines back up a site together without talking to each other.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// The environment variable `env/N` reads the index from (Kubernetes Indexed Jobs).
    public static let indexVariable = "JOB_COMPLETION_INDEX"

    /// This shard's index, 0 ..< count.
    public var index: Int
    /// The number of shards.
    public var count: Int

    /// A shard by index and count.
    public init(index: Int, count: Int) throws(ShardError) {
        guard count >= 1, count <= 1 << 20 else { throw .badCount("\(count)") }
        guard index >= 0, index < count else { throw .indexOutOfRange(index: index, count: count) }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`, or `env/N` with I from `$JOB_COMPLETION_INDEX`.
    public init(parsing text: String, environment: [String: String]) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[1]) else { throw .badSyntax(text) }
        let indexText: String
        if parts[0] == "env" {
            guard let value = environment[Self.indexVariable], !value.isEmpty else { throw .missingVariable(text) }
            indexText = value
        } else {
            indexText = String(parts[0])
        }
        guard let index = Int(indexText) else { throw .badSyntax(text) }
        try self.init(index: index, count: count)
    }

    /// The shard `user` belongs to among `count`.
    public static func shardIndex(of user: String, count: Int) -> Int {
        let digest = SHA256.hash(data: Data(user.utf8))
        let prefix = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(prefix % UInt64(count))
    }

    /// True when `user` belongs to this shard.
    public func contains(_ user: String) -> Bool { Self.shardIndex(of: user, count: count) == index }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }
}

/// A `--shard` that cannot be used.
public enum ShardError: Error, Sendable, CustomStringConvertible {
    /// Not `I/N` or `env/N`.
    case badSyntax(String)
    /// N is not a positive number.
    case badCount(String)
    /// I is not in 0 ..< N.
    case indexOutOfRange(index: Int, count: Int)
    /// `env/N` without `$JOB_COMPLETION_INDEX`.
    case missingVariable(String)

    /// One line.
    public var description: String {
        switch self {
        case .badSyntax(let text): return "--shard '\(text)': give I/N (I from 0 to N-1) or env/N"
        case .badCount(let text): return "--shard: the number of shards must be 1 or more (is \(text))"
        case .indexOutOfRange(let index, let count): return "--shard \(index)/\(count): the index must be from 0 to \(count - 1)"
        case .missingVariable(let text): return "--shard \(text): $\(Shard.indexVariable) is not set"
        }
    }
}
