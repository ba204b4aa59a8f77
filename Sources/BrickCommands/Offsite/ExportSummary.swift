import BrickBundle
import BrickOffsite
import Foundation

/// The table `export` prints: per user, the bundle written. On standard error when the
/// bundles themselves go to standard output.
final class ExportSummary {
    private let toStandardError: Bool
    private var lines: [String] = []

    init(toStandardError: Bool) { self.toStandardError = toStandardError }

    func add(_ report: ExportReport) {
        lines.append(String(
            format: "%-20@ %10llu %-12@ %9@ %9@ %10@ %10@", report.user as NSString, report.sequence,
            report.kind.summaryName as NSString, Formatting.count(report.items) as NSString,
            Formatting.count(report.values) as NSString, Formatting.bytes(report.valueBytes) as NSString,
            Formatting.bytes(report.bundleBytes) as NSString))
    }

    func print() {
        let header = String(
            format: "%-20@ %10@ %-12@ %9@ %9@ %10@ %10@", "USER" as NSString, "SEQUENCE" as NSString, "KIND" as NSString,
            "ITEMS" as NSString, "VALUES" as NSString, "VALUE SIZE" as NSString, "BUNDLE" as NSString)
        let text = ([header] + lines).joined(separator: "\n") + "\n"
        if toStandardError { Terminal.writeError(text) } else { Terminal.write(text) }
    }
}

extension BundleKind {
    /// The kind as summaries print it.
    var summaryName: String {
        switch self {
        case .full: return "full"
        case .incremental: return "incremental"
        case .consolidated: return "consolidated"
        }
    }
}
