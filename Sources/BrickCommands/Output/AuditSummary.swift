import BrickSync
import Foundation

/// The text an audit prints: a report per user, then the totals.
enum AuditSummary {
    /// One user's findings, with up to `show` messages of each kind.
    static func print(_ report: AuditReport, show: Int) {
        var lines = ["\(report.user): \(report.isComplete ? "complete" : "INCOMPLETE") — \(report.folders) folders, "
            + "\(Formatting.count(report.upstreamItems)) messages upstream; missing \(Formatting.count(report.missing.count))"
            + (report.missingFolders.isEmpty ? "" : " and \(report.missingFolders.count) folders")
            + ", not yet seen deleted \(Formatting.count(report.notYetDeleted.count)), flags differ \(Formatting.count(report.flagDifferences.count))"
            + (report.sampled > 0 || !report.sampleMismatches.isEmpty
                ? ", sampled \(Formatting.count(report.sampled)) (\(report.sampleMismatches.count) differ)" : "")]
        func list(_ title: String, _ entries: [String]) {
            guard !entries.isEmpty else { return }
            lines += entries.prefix(show).map { "  \(title): \($0)" }
            if entries.count > show { lines.append("  … and \(entries.count - show) more \(title) messages") }
        }
        list("folder missing", report.missingFolders.map(\.description))
        list("missing", report.missing.map(\.description))
        list("sample differs", report.sampleMismatches.map(\.description))
        list("flags differ", report.flagDifferences.map(\.description))
        list("not yet seen deleted", report.notYetDeleted.map(\.description))
        for failure in report.failedFolders { lines.append("  folder not audited: \(failure)") }
        Terminal.write(lines.joined(separator: "\n") + "\n")
    }

    /// The line after all users.
    static func printTotals(_ reports: [AuditReport], failedUsers: [String], seconds: Double) {
        let complete = reports.filter(\.isComplete).count
        Terminal.write("audited \(reports.count + failedUsers.count) users in \(Formatting.duration(seconds)): \(complete) complete, "
            + "\(reports.count - complete) incomplete, \(failedUsers.count) failed; missing \(Formatting.count(reports.reduce(0) { $0 + $1.missing.count })), "
            + "sampled \(Formatting.count(reports.reduce(0) { $0 + $1.sampled })) "
            + "(\(reports.reduce(0) { $0 + $1.sampleMismatches.count }) differ)\n")
    }
}
