import BrickStore
import BrickSync
import Foundation

/// The table printed at the end of a backup: one line per user, then totals.
enum BackupSummary {
    static func print(_ reports: [UserBackupReport], seconds: Double) {
        var lines = [row(["USER", "NEW", "CHANGED", "DELETED", "BYTES", "SECONDS", "STATUS"])]
        var total = (new: 0, changed: 0, deleted: 0, bytes: Int64(0), failed: 0)
        for report in reports {
            let status: String
            if let failure = report.failure {
                status = "FAILED: \(failure)"
                total.failed += 1
            } else if !report.totals.errors.isEmpty {
                let totals = report.totals
                status = "partial: \(totals.errors.count) errors, skipped \(totals.itemsSkipped) items and \(totals.foldersSkipped) folders"
                    + " (first: \(totals.errors[0]))"
                total.failed += 1
            } else {
                status = "ok"
            }
            lines.append(row([
                report.user, Formatting.count(report.totals.itemsAdded), Formatting.count(report.totals.itemsUpdated),
                Formatting.count(report.totals.itemsDeleted), Formatting.bytes(report.totals.bytesAdded),
                String(format: "%.1f", report.seconds), status,
            ]))
            total.new += report.totals.itemsAdded
            total.changed += report.totals.itemsUpdated
            total.deleted += report.totals.itemsDeleted
            total.bytes += report.totals.bytesAdded
        }
        lines.append(row([
            "total (\(reports.count))", Formatting.count(total.new), Formatting.count(total.changed), Formatting.count(total.deleted),
            Formatting.bytes(total.bytes), String(format: "%.1f", seconds),
            total.failed == 0 ? "ok" : "\(total.failed) of \(reports.count) users with errors",
        ]))
        var davTotal = DAVChangeCounts()
        for report in reports where !report.totals.dav.isEmpty {
            lines.append("calendars and contacts of \(report.user): \(report.totals.dav.description(count: Formatting.count))")
            davTotal.add(report.totals.dav)
        }
        if reports.count > 1 && !davTotal.isEmpty { lines.append("calendars and contacts in all: \(davTotal.description(count: Formatting.count))") }
        var noted: [String: [String]] = [:]
        var order: [String] = []
        for report in reports {
            for note in Set(report.totals.notes) {
                if noted[note] == nil { order.append(note) }
                noted[note, default: []].append(report.user)
            }
        }
        for note in order {
            let users = noted[note]!
            let named = users.prefix(3).joined(separator: ", ") + (users.count > 3 ? ", …" : "")
            lines.append("note: \(note) (\(users.count == 1 ? "user" : "\(users.count) users"): \(named))")
        }
        Terminal.write(lines.joined(separator: "\n") + "\n")
    }

    private static func row(_ fields: [String]) -> String {
        let widths = [20, 9, 9, 9, 10, 8, 0]
        return zip(fields, widths).map { field, width in
            width == 0 ? field : field.padding(toLength: max(width, field.count), withPad: " ", startingAt: 0)
        }.joined(separator: " ")
    }
}
