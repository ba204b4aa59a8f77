/// One line of a fixed-width text table, padded by character count (Foundation's
/// `%-20@` does not pad on Linux).
enum TableRow {
    /// `cells` padded to `widths`: the columns in `leftAligned` on the left, the others
    /// (numbers) on the right, separated by one space. A cell wider than its column is
    /// kept whole.
    static func format(_ cells: [String], widths: [Int], leftAligned: Set<Int> = [0]) -> String {
        zip(cells, widths).enumerated().map { index, cell in
            let (text, width) = cell
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return leftAligned.contains(index) ? text + padding : padding + text
        }.joined(separator: " ")
    }
}
