import ArgumentParser
import BrickStore
import Foundation

/// `brick-backup stats`: per-folder counts and sizes of one user's store.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show per folder the items, deleted items, and bytes stored versus raw.")

    @OptionGroup var userDirectory: UserDirectoryArgument

    func run() async throws {
        let store = try userDirectory.openReadOnly()
        let stats = try store.stats()
        var lines = [row("FOLDER", "ITEMS", "DELETED", "RAW", "STORED", "RATIO")]
        for folder in stats.folders {
            lines.append(row(folder.path.description + (folder.isDeleted ? " (deleted)" : ""), Formatting.count(folder.items),
                             Formatting.count(folder.deletedItems), Formatting.bytes(folder.rawBytes), Formatting.bytes(folder.storedBytes),
                             ratio(folder)))
        }
        let totals = stats.totals
        lines.append(row("total", Formatting.count(totals.items), Formatting.count(totals.deletedItems), Formatting.bytes(totals.rawBytes),
                         Formatting.bytes(totals.storedBytes), ratio(totals)))
        if totals.sharedItems > 0 {
            lines.append("shared: \(Formatting.count(totals.sharedItems)) items keep no bytes of their own; an identical item holds them (moves, copies)")
        }
        lines.append("on disk: \(Formatting.bytes(stats.diskBytes)) allocated (catalog, item files, log)")
        for hold in try store.holds() where hold.isActive() {
            lines.append("legal hold \(hold.id) since \(Formatting.date(hold.since))"
                + (hold.until.map { " until \(Formatting.date($0))" } ?? "") + ": \(hold.scope); reason: \(hold.reason)")
        }
        if let keyID = store.sealingKeyID {
            lines.append("sealed: item values sealed with store key \(keyID)\(store.isLocked ? " (no key given)" : ""); the catalog is in clear")
        }
        if let run = stats.lastRun {
            lines.append("last run: \(run.kind) #\(run.id) started \(Formatting.date(run.startedAt)), \(run.status): "
                + "\(run.itemsAdded) new, \(run.itemsUpdated) changed, \(run.itemsDeleted) deleted, \(run.itemsPurged) purged")
            if !run.dav.isEmpty { lines.append("  of which calendars and contacts: \(run.dav.description(count: Formatting.count))") }
        }
        Terminal.write(lines.joined(separator: "\n") + "\n")
    }

    private func ratio(_ folder: FolderStats) -> String {
        folder.rawBytes == 0 ? "-" : String(format: "%.2f", Double(folder.storedBytes) / Double(folder.rawBytes))
    }

    private func row(_ name: String, _ values: String...) -> String {
        Formatting.clip(name, 40).padding(toLength: 40, withPad: " ", startingAt: 0) + " "
            + values.map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined(separator: " ")
    }
}
