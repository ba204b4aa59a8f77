import BrickBundle
import BrickOffsite
import Foundation

/// The table `export` prints: per user, the bundle written. On standard error when the
/// bundles themselves go to standard output.
final class ExportSummary {
    private let toStandardError: Bool
    private let recipients: [String]
    private var lines: [String] = []

    init(toStandardError: Bool, recipients: [String]) {
        self.toStandardError = toStandardError
        self.recipients = recipients
    }

    func add(_ report: ExportReport) {
        lines.append(Self.row([
            report.user, String(report.sequence), report.kind.description, Formatting.count(report.items),
            Formatting.count(report.values), Formatting.bytes(report.valueBytes), Formatting.bytes(report.bundleBytes),
        ]))
    }

    /// One line of the table: the user and kind left-aligned, numbers right-aligned.
    static func row(_ cells: [String]) -> String {
        let widths = [20, 10, 12, 9, 9, 10, 10]
        return zip(cells, widths).enumerated().map { index, cell in
            let (text, width) = cell
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return index == 0 || index == 2 ? text + padding : padding + text
        }.joined(separator: " ")
    }

    func print() {
        let header = Self.row(["USER", "SEQUENCE", "KIND", "ITEMS", "VALUES", "VALUE SIZE", "BUNDLE"])
        let encryption = recipients.isEmpty
            ? "NOT ENCRYPTED (--no-encrypt): anyone who holds these bundles can read the mail in them"
            : "encrypted for key id \(recipients.joined(separator: ", "))"
        let text = ([header] + lines + [encryption]).joined(separator: "\n") + "\n"
        if toStandardError { Terminal.writeError(text) } else { Terminal.write(text) }
    }
}
