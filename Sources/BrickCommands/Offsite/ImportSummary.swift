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
        case .refused: "refused"
        }
        lines.append(String(
            format: "%-20@ %10llu %-12@ %9@ %9@ %10@  %@", report.user as NSString, report.sequence,
            report.kind.summaryName as NSString, Formatting.count(report.items) as NSString,
            Formatting.count(report.values) as NSString, Formatting.bytes(report.valueBytes) as NSString, status as NSString))
    }

    func print() {
        let header = String(
            format: "%-20@ %10@ %-12@ %9@ %9@ %10@  %@", "USER" as NSString, "SEQUENCE" as NSString, "KIND" as NSString,
            "ITEMS" as NSString, "VALUES" as NSString, "VALUE SIZE" as NSString, "STATUS" as NSString)
        Terminal.write(([header] + lines).joined(separator: "\n") + "\n")
    }
}
