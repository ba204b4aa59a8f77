import ArgumentParser

/// A size in bytes given on the command line: a number with an optional binary
/// suffix, `K`, `M`, `G` or `T` (`2G` is 2 GiB).
struct ByteSize: ExpressibleByArgument, Sendable, CustomStringConvertible {
    /// The size in bytes.
    var bytes: Int64

    /// Creates a size of `bytes`.
    init(bytes: Int64) { self.bytes = bytes }

    /// Parses `512`, `64K`, `20M`, `2G`, `1T` (case-insensitive, an optional `B` or `iB` after the suffix).
    init?(argument: String) {
        var text = Substring(argument.uppercased())
        if text.hasSuffix("IB") { text = text.dropLast(2) } else if text.hasSuffix("B") { text = text.dropLast() }
        let shifts: [Character: Int64] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var shift: Int64 = 0
        if let last = text.last, let value = shifts[last] {
            shift = value
            text = text.dropLast()
        }
        guard let number = Int64(text), number > 0, number <= Int64.max >> shift else { return nil }
        bytes = number << shift
    }

    /// The size with the largest suffix that divides it: `2G`, `512K`, `1000`.
    var description: String {
        for (suffix, shift) in [("T", 40), ("G", 30), ("M", 20), ("K", 10)] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return "\(bytes)"
    }
}
