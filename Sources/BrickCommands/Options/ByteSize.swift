import ArgumentParser
import BrickSite

/// A size in bytes given on the command line: a number with an optional binary
/// suffix, `K`, `M`, `G` or `T` (`2G` is 2 GiB).
struct ByteSize: ExpressibleByArgument, Sendable, CustomStringConvertible {
    /// The size in bytes.
    var bytes: Int64

    /// Creates a size of `bytes`.
    init(bytes: Int64) { self.bytes = bytes }

    /// Parses `512`, `64K`, `20M`, `2G`, `1T` (case-insensitive, an optional `B` or `iB` after the suffix).
    init?(argument: String) {
        guard let bytes = SizeText.bytes(argument) else { return nil }
        self.bytes = bytes
    }

    /// The size with the largest suffix that divides it: `2G`, `512K`, `1000`.
    var description: String {
        for (suffix, shift) in [("T", 40), ("G", 30), ("M", 20), ("K", 10)] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return "\(bytes)"
    }
}
