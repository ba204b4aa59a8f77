/// Sizes written as a number with an optional binary suffix: `512`, `64K`, `20M`, `2G`,
/// `1T` (case-insensitive; a `B` or `iB` may follow the suffix). `2G` is 2 GiB.
public enum SizeText {
    /// The size in bytes, or nil when `text` is not a positive size.
    public static func bytes(_ text: String) -> Int64? {
        var text = Substring(text.uppercased())
        if text.hasSuffix("IB") { text = text.dropLast(2) } else if text.hasSuffix("B") { text = text.dropLast() }
        let shifts: [Character: Int64] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var shift: Int64 = 0
        if let last = text.last, let value = shifts[last] {
            shift = value
            text = text.dropLast()
        }
        guard let number = Int64(text), number > 0, number <= Int64.max >> shift else { return nil }
        return number << shift
    }
}
