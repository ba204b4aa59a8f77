import ArgumentParser
import BrickStore
import Foundation

/// `brick-backup verify`: checks every item of a user's store.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every item decompresses and matches its SHA-256; report orphans.",
        discussion: """
            Exits 4 when an item is damaged or missing, or the catalog is damaged or missing \
            (`brick-backup repair` mends both). Values without a catalog row \
            (left by an interrupted run) are reported and harmless; the next purge removes them.

            \(BrickExit.helpText)
            """)

    @OptionGroup var userDirectory: UserDirectoryArgument
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let url = URL(fileURLWithPath: userDirectory.userDirectory)
        if !FileManager.default.fileExists(atPath: url.appendingPathComponent("catalog.sqlite").path),
           FileManager.default.fileExists(atPath: url.appendingPathComponent("folders").path) {
            Terminal.printError("brick-backup: \(userDirectory.userDirectory): the catalog is missing; run brick-backup repair \(userDirectory.userDirectory)")
            throw CommandFailure(exit: .integrity)
        }
        do {
            try check()
        } catch let error as StoreError where error.isDamagedCatalog {
            let detail = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            Terminal.printError("brick-backup: \(detail); the catalog is damaged: run brick-backup repair \(userDirectory.userDirectory)")
            throw CommandFailure(exit: .integrity)
        }
    }

    private func check() throws {
        let store = try userDirectory.openReadOnly()
        let started = Date()
        let counter = Counter()
        let display = output.progress.isEnabled ? ProgressDisplay { "verified \(Formatting.count(counter.value)) items" } : nil
        let report = try store.verify { counter.value = $0 }
        display?.finish()
        for problem in report.problems { Terminal.write("\(problem)\n") }
        let damaged = report.problems.filter { $0.kind != .orphanValue }.count
        let orphans = report.problems.count - damaged
        let shared = report.sharedItems > 0 ? " (\(Formatting.count(report.sharedItems)) sharing another item's bytes)" : ""
        Terminal.write("\(store.user): \(Formatting.count(report.itemsChecked)) items\(shared), \(Formatting.bytes(report.bytesChecked)) checked in "
            + "\(Formatting.duration(Date().timeIntervalSince(started))): \(damaged) damaged or missing, \(orphans) orphans\n")
        if report.sealedNotChecked > 0 {
            Terminal.write("\(store.user): the store is sealed and no key was given: \(Formatting.count(report.sealedNotChecked)) items "
                + "were found as sealed records but not opened, decompressed or hashed (give the key to check them)\n")
        }
        let unchecked = (try? store.foldersWithoutPageChecksums()) ?? []
        if !unchecked.isEmpty {
            Terminal.write("\(store.user): \(Formatting.count(unchecked.count)) item files were written by an older version without page checksums "
                + "(\(unchecked.map(\.description).joined(separator: ", "))): brick-backup upgrade \(userDirectory.userDirectory) rewrites them with checksums\n")
        }
        if !report.isIntact { throw CommandFailure(exit: .integrity) }
    }
}

/// A counter written by one thread and read by the progress display.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = 0
    var value: Int {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
