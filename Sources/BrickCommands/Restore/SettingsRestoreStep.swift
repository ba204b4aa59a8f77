import BrickCore
import BrickRestore
import BrickStore
import Foundation
import Logging

/// The settings part of `brick-restore`: selects the settings with the shared filters
/// (`--folder`, `--recursive`, `--as-of`) and the kinds, lists them (`--dry-run`) or
/// writes them into the target, and prints one summary line.
struct SettingsRestoreStep {
    var store: UserStore
    var filters: ItemFilterOptions
    var kinds: Set<SettingKind>
    var targetUser: String
    var restoreRoot: String?
    var overwrite: Bool
    var maildirSettings: MaildirSettingsOptions

    /// Runs the step; returns whether some setting failed.
    func run(to spec: TargetSpec?, imap: IMAPOptions, dryRun: Bool, format: ListingFormat?, logLevel: Logger.Level) async throws -> Bool {
        var selection = SettingsSelection()
        selection.kinds = kinds
        selection.folders = filters.folder.map(FolderPath.init(parsing:))
        selection.recursive = filters.recursive
        if let asOf = filters.asOf { selection.asOf = try DateArgument.instant(asOf, option: "--as-of") }
        let restore = SettingsRestore(
            store: store, selection: selection, targetUser: targetUser, restoreRoot: restoreRoot.map(FolderPath.init(parsing:)))
        if dryRun {
            let selected = try restore.selected()
            SettingListing.write(selected, format: format ?? .automatic)
            Terminal.printError("would restore \(Formatting.count(selected.count)) settings")
            return false
        }
        guard let spec else { throw UsageError("give --to TARGET, or --dry-run to only list what would be restored") }
        let logger = CommandLogging.logger(level: logLevel, progress: nil)
        let opened = try await spec.open(user: targetUser, imap: imap, maildirSettings: maildirSettings, logger: logger)
        guard let target = opened as? any SettingsTarget else {
            try? await opened.finish()
            throw UsageError("settings cannot be restored into this kind of target")
        }
        let report: SettingsWriteReport
        do {
            report = try await restore.run(into: target, overwrite: overwrite)
        } catch {
            try? await opened.finish()
            throw error
        }
        try await opened.finish()
        for failure in report.failures { Terminal.printError("failed: \(failure)") }
        for line in report.notKept { Terminal.printError("not kept by the target: \(line)") }
        for note in report.notes { Terminal.printError("note: \(note)") }
        for (original, written) in report.renamed { Terminal.printError("Sieve script \"\(original)\" restored as \"\(written)\"") }
        Terminal.write("settings: restored \(Formatting.count(report.written.count)), already there \(Formatting.count(report.unchanged)), "
            + "failed \(Formatting.count(report.failures.count))"
            + (report.notKept.isEmpty ? "" : ", not kept by the target \(Formatting.count(report.notKept.count))") + "\n")
        return !report.failures.isEmpty || !report.notKept.isEmpty
    }
}
