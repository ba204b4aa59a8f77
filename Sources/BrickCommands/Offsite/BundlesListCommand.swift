import ArgumentParser
import BrickOffsite
import Foundation

/// `brick-backup bundles list DIR`: each user's chain with its state.
struct BundlesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List each user's bundles: sequence, date, kind, items, bytes and chain status.",
        discussion: """
            Reads each bundle's header and end (trailer counts, chain digest), not its records: \
            bundles verify reads them whole. An encrypted bundle's items are not counted (0).

            \(BrickExit.helpText)
            """)

    @Argument(help: ArgumentHelp("A bundle directory (DIR/<user>/<sequence>.bundle), or one user's directory of bundles.", valueName: "DIR"))
    var directory: String

    func run() async throws {
        let root = try BundleRoot(directory)
        Terminal.write(BundleTable.header + "\n")
        var plain = 0
        for user in root.users {
            for entry in try BundleChainCheck.check(directory: root.url, user: user, readData: { _ in false }) {
                Terminal.write(BundleTable.row(user: user, entry) + "\n")
                if entry.recipients.isEmpty { plain += 1 }
            }
        }
        if plain > 0 { Terminal.write("\(Formatting.count(plain)) bundles are not encrypted\n") }
    }
}

/// The table of `bundles list` and `bundles verify`.
enum BundleTable {
    static let header = line(["USER", "SEQUENCE", "DATE", "KIND", "ITEMS", "BYTES"]) + "  " + pad("ENCRYPTION") + "  STATUS"

    static func row(user: String, _ entry: BundleChainEntry) -> String {
        let status = entry.newerFormat != nil ? "newer format: not read"
            : !entry.damage.isEmpty ? "damaged" : entry.chainProblem.map { "broken chain: \($0)" } ?? "ok"
        let cells = [
            user, entry.header.map { String($0.sequence) } ?? "?", Formatting.date(entry.header?.createdAt),
            entry.header?.kind.description ?? "?", Formatting.count(Int(entry.items)), Formatting.bytes(Int64(entry.size)),
        ]
        let encryption = entry.recipients.isEmpty ? "NONE" : entry.recipients.joined(separator: ",")
        return line(cells) + "  " + pad(encryption) + "  " + status
    }

    /// The encryption column: "NONE" for a plain bundle, else the recipients' key ids.
    private static func pad(_ text: String) -> String {
        text + String(repeating: " ", count: max(0, 16 - text.count))
    }

    /// Cells padded to their columns: user, date and kind left-aligned, numbers right.
    private static func line(_ cells: [String]) -> String {
        let widths = [20, 10, 16, 12, 11, 10]
        return zip(cells, widths).enumerated().map { index, cell in
            let padding = String(repeating: " ", count: max(0, cell.1 - cell.0.count))
            return [0, 2, 3].contains(index) ? cell.0 + padding : padding + cell.0
        }.joined(separator: " ")
    }
}
