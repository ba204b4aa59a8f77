import BrickBundle
import BrickOffsite
import Foundation

/// The table `export` prints: per user, the bundle written. On standard error when the
/// bundles themselves go to standard output.
final class ExportSummary {
    private let toStandardError: Bool
    private let encryption: String
    private var lines: [String] = []

    /// A summary whose last line says `encryption` (key ids, or why the bundles are plain).
    init(toStandardError: Bool, encryption: String) {
        self.toStandardError = toStandardError
        self.encryption = encryption
    }

    func add(_ report: ExportReport) {
        lines.append(Self.row([
            report.user, String(report.sequence), report.kind.description, Formatting.count(report.items),
            Formatting.count(report.values), Formatting.bytes(report.valueBytes), Formatting.bytes(report.bundleBytes),
        ]))
    }

    /// One line of the table: the user and kind left-aligned, numbers right-aligned.
    static func row(_ cells: [String]) -> String {
        TableRow.format(cells, widths: [20, 10, 12, 9, 9, 10, 10], leftAligned: [0, 2])
    }

    /// Prints the table, or nothing when no bundle was written (every user failed, and
    /// each failure has its line already).
    func print() {
        guard !lines.isEmpty else { return }
        let header = Self.row(["USER", "SEQUENCE", "KIND", "ITEMS", "VALUES", "VALUE SIZE", "BUNDLE"])
        let text = ([header] + lines + [encryption]).joined(separator: "\n") + "\n"
        if toStandardError { Terminal.writeError(text) } else { Terminal.write(text) }
    }
}
