import BrickCore
import BrickStore
import Foundation

/// Writes runs as a table, CSV or JSON, one at a time.
final class RunListing {
    private let format: ListingFormat
    private var count = 0

    init(format: ListingFormat) { self.format = format }

    static let columns = [
        "user", "run", "kind", "started", "seconds", "status", "added", "updated", "deleted", "purged", "bytes", "skipped", "errors", "first_error", "detail",
    ]

    /// The per-kind counts of calendar and contact items (the `runs` row's columns of
    /// format 11), after `columns` in CSV and as keys of their own in JSON.
    static let kindColumns = DAVChangeCounts.runColumnNames

    func begin() {
        switch format {
        case .table: Terminal.write(row(Self.columns.map { $0.uppercased() }) + "\n")
        case .csv: Terminal.write(CSV.record(Self.columns + Self.kindColumns, lineEnd: "\n"))
        case .json: Terminal.write("[")
        }
    }

    func write(user: String, run: RunRecord) {
        let seconds = run.finishedAt.map { String(Int64($0.timeIntervalSince(run.startedAt))) } ?? ""
        let firstError = run.errors?.split(separator: "\n").first.map(String.init) ?? ""
        let detail = Self.detail(of: run)
        let counts = [run.itemsAdded, run.itemsUpdated, run.itemsDeleted, run.itemsPurged]
        switch format {
        case .table:
            Terminal.write(row([user, "\(run.id)", run.kind, Formatting.date(run.startedAt), seconds, run.status]
                + counts.map(Formatting.count) + [Formatting.bytes(run.bytesAdded), Formatting.count(run.itemsSkipped), "\(run.errorCount)", firstError, detail]) + "\n")
        case .csv:
            Terminal.write(CSV.record([user, "\(run.id)", run.kind, Formatting.isoDate(run.startedAt), seconds, run.status]
                + counts.map(String.init) + ["\(run.bytesAdded)", "\(run.itemsSkipped)", "\(run.errorCount)", firstError, detail]
                + run.dav.runColumnValues.map(String.init), lineEnd: "\n"))
        case .json:
            var object: [String: Any] = [
                "user": user, "run": run.id, "kind": run.kind, "started": Formatting.isoDate(run.startedAt),
                "finished": run.finishedAt.map(Formatting.isoDate) ?? NSNull(),
                "seconds": run.finishedAt.map { Int64($0.timeIntervalSince(run.startedAt)) } ?? NSNull(), "status": run.status,
                "added": run.itemsAdded, "updated": run.itemsUpdated, "deleted": run.itemsDeleted, "purged": run.itemsPurged,
                "bytes": run.bytesAdded, "skipped": run.itemsSkipped, "folders_skipped": run.foldersSkipped,
                "source": run.source ?? NSNull(), "detail": detail,
                "errors": run.errors?.split(separator: "\n").map(String.init) ?? [],
            ]
            for (name, value) in zip(Self.kindColumns, run.dav.runColumnValues) { object[name] = value }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            Terminal.write((count == 0 ? "\n  " : ",\n  ") + String(decoding: data, as: UTF8.self))
        }
        count += 1
    }

    /// What a run did beyond its counts: the calendar and contact items among them by
    /// kind (`events 3 new; contacts 1 deleted`), or for a run whose counts say nothing,
    /// a hold change (added or removed, what it covers, why, until when), from the run's
    /// `source`, its `until` written as the last minute it covers. Empty for other runs.
    static func detail(of run: RunRecord) -> String {
        guard run.kind == "hold", let source = run.source else { return run.dav.description(count: Formatting.count) }
        var parts = source.components(separatedBy: "; ")
        for index in parts.indices where parts[index].hasPrefix("until ") {
            if let seconds = Int64(parts[index].dropFirst("until ".count)) {
                // The recorded end is exclusive (the start of the day after --until).
                parts[index] = "until " + Formatting.date(Date(timeIntervalSince1970: TimeInterval(seconds - 60)))
            }
        }
        return parts.joined(separator: "; ")
    }

    func end() {
        if format == .json { Terminal.write(count == 0 ? "]\n" : "\n]\n") }
    }

    private func row(_ fields: [String]) -> String {
        let widths = [16, 5, 6, 16, 7, 8, 8, 8, 8, 8, 10, 7, 6, 30, 0]
        return zip(fields, widths).map { field, width in
            width == 0 ? Formatting.clip(field, 60) : Formatting.clip(field, width).padding(toLength: width, withPad: " ", startingAt: 0)
        }.joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}
