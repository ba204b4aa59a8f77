import BrickOffsite
import Foundation

/// The table `import` prints: per bundle read, what became of it.
final class ImportSummary {
    private var lines: [String] = []

    func add(_ report: ImportReport) {
        let status = switch report.outcome {
        case .applied: "applied"
        case .alreadyApplied: "already applied"
        case .beyondLimit: "not applied (--until)"
        case .superseded(let latest): "superseded (replica at \(latest))"
        case .refused: "refused"
        }
        lines.append(ExportSummary.row([
            report.user, String(report.sequence), report.kind.description, Formatting.count(report.items),
            Formatting.count(report.values), Formatting.bytes(report.valueBytes),
        ]) + "  " + status)
    }

    func print() {
        let header = ExportSummary.row(["USER", "SEQUENCE", "KIND", "ITEMS", "VALUES", "VALUE SIZE"]) + "  STATUS"
        Terminal.write(([header] + lines).joined(separator: "\n") + "\n")
    }
}
