import ArgumentParser
import BrickIMAP
import BrickStore
import Foundation

/// `brick-backup repair`: brings a damaged store back to a state every command reads.
struct RepairCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Rebuild a lost catalog from the item values; drop rows whose bytes are gone so the next backup fetches them again.",
        discussion: """
            Takes the writer lock. When the catalog is missing or unreadable, it is set aside \
            as catalog.sqlite.damaged-<time> and a new one is built from the item files. Rows \
            whose value is missing or damaged are removed and their folders' sync tokens reset: \
            the next backup fetches what the source still has. Items already deleted upstream \
            whose bytes are gone cannot come back; each is listed as "unrecoverable".

            Exits 0 when the store is repaired or was sound, 4 when something is unrecoverable, \
            1 when the repair failed.

            \(BrickExit.helpText)
            """)

    @OptionGroup var userDirectory: UserDirectoryArgument

    func run() async throws {
        let url = URL(fileURLWithPath: userDirectory.userDirectory)
        let report = try UserStore.repair(layout: StoreLayout(userDirectory: url), resetToken: IMAPSource.tokenAfterRepair)
        let user = url.standardizedFileURL.lastPathComponent
        for line in RepairSummary.lines(report, user: user) { Terminal.write(line + "\n") }
        if !report.unrecoverable.isEmpty { throw CommandFailure(exit: .integrity) }
    }
}

/// The lines `repair` prints: each item it removed, then what it did.
enum RepairSummary {
    static func lines(_ report: RepairReport, user: String) -> [String] {
        var lines = report.lost.map(\.description)
        if let problem = report.catalogProblem {
            let kept = report.damagedCatalogKeptAt.map { "; the old one is kept as \($0)" } ?? ""
            lines.append("\(user): catalog unreadable (\(problem)): rebuilt from the item values with "
                + "\(Formatting.count(report.foldersRebuilt)) folders and \(Formatting.count(report.itemsRebuilt)) items\(kept)")
            lines.append("\(user): deletion marks, run history and sync tokens were in the old catalog: every item is listed as present until the next backup compares each folder in full")
            if !report.exportTargetsKept.isEmpty {
                lines.append("\(user): the next export to \(report.exportTargetsKept.joined(separator: ", ")) writes a full bundle, which replicas apply after their last one")
            }
        }
        if report.undecodableValues > 0 {
            lines.append("\(user): \(Formatting.count(report.undecodableValues)) values do not decode and were left out (verify lists them as orphans)")
        }
        for file in report.itemFilesSetAside { lines.append("\(user): an item file that does not open was set aside as \(file)") }
        if report.referencesRepointed > 0 {
            lines.append("\(user): \(Formatting.count(report.referencesRepointed)) items whose bytes were held by a lost item now refer to another copy of the same bytes")
        }
        if !report.lost.isEmpty {
            let folders = report.foldersReset.map(\.description).joined(separator: ", ")
            lines.append("\(user): removed \(Formatting.count(report.lost.count)) items whose bytes are gone: "
                + "\(Formatting.count(report.toRefetch.count)) will be fetched again by the next backup if the source still has them"
                + (folders.isEmpty ? "" : " (sync reset for \(folders))")
                + ", \(Formatting.count(report.unrecoverable.count)) unrecoverable (deleted upstream)")
        }
        if report.nothingToDo { lines.append("\(user): nothing to repair") }
        return lines
    }
}
