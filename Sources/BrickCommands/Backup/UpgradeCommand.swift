import ArgumentParser
import BrickStore
import Foundation

/// `brick-backup upgrade`: rewrites item files that older versions wrote without page
/// checksums, so damage to any of their pages is found instead of misread.
struct UpgradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Rewrite item files written by older versions so every page carries a checksum.",
        discussion: """
            Files written before 16 KiB pages have no page checksums: Berkeley DB cannot tell \
            a damaged page there from a good one, and a damaged internal page can make a read \
            loop. `verify` lists such folders. This command copies each of them, record by \
            record and as stored (a sealed store needs no key), into a new file with page \
            checksums, compares the copy with the original, and swaps the two in one \
            Berkeley DB transaction: a crash leaves either file in place, never neither. \
            Takes the writer lock; needs free space for one folder's copy at a time.

            Exits 0 when every file has page checksums afterwards, 1 when a rewrite failed.

            \(BrickExit.helpText)
            """)

    @OptionGroup var userDirectory: UserDirectoryArgument
    @OptionGroup var output: OutputOptions

    @Flag(help: "List the folders that would be rewritten; change nothing.")
    var dryRun = false

    func run() async throws {
        let started = Date()
        if dryRun {
            let store = try userDirectory.openReadOnly()
            let folders = try store.foldersWithoutPageChecksums()
            for folder in folders { Terminal.write("\(store.user): \(folder): would be rewritten with page checksums\n") }
            Terminal.write("\(store.user): \(Formatting.count(folders.count)) item files without page checksums\n")
            return
        }
        let store = try userDirectory.openReadWrite()
        let rewriting = Counter()
        let display = output.progress.isEnabled ? ProgressDisplay { "upgrade: rewriting folder \(Formatting.count(rewriting.value))" } : nil
        let report = try store.addPageChecksums { _ in rewriting.value += 1 }
        display?.finish()
        for folder in report.foldersRewritten { Terminal.write("\(store.user): \(folder): rewritten with page checksums\n") }
        Terminal.write("\(store.user): \(Formatting.count(report.foldersRewritten.count)) item files rewritten "
            + "(\(Formatting.count(report.records)) records, \(Formatting.bytes(report.bytes))), "
            + "\(Formatting.count(report.filesAlreadyChecked)) had page checksums already, in \(Formatting.duration(Date().timeIntervalSince(started)))\n")
    }
}
