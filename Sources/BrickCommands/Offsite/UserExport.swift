import BrickBundle
import BrickOffsite
import BrickStore
import Foundation

/// One user's export to a target: opens the store for writing, writes the bundle to the
/// stream or to a file in the directory (adopting a bundle an interrupted export
/// renamed into place), and reports what was written.
struct UserExport {
    var target: String
    var full: Bool
    var root: URL
    var recipients: [BundleRecipient]
    /// Standard output, when the bundles go there one after the other.
    var stream: StandardOutputBundleOutput?
    /// The directory bundle files go to (unused when streaming).
    var directory: URL

    /// Exports `user`; `note` is given lines worth telling the administrator, `progress`
    /// the items written so far.
    func export(user: String, note: (String) -> Void, progress: (Int) -> Void) throws -> ExportReport {
        let layout = try StoreLayout(root: root, user: user)
        guard FileManager.default.fileExists(atPath: layout.catalog.path) else {
            throw UsageError("no store for user \(user) under \(root.path)")
        }
        let store = try UserStore(layout: layout, user: user, mode: .readWrite)
        let exporter = BundleExporter(target: target, full: full, brickVersion: BrickVersion.current, recipients: recipients)
        if let stream {
            return try exporter.export(store, to: stream, commit: { try stream.flush() }, progress: progress)
        }
        if !full, try ExportResumption.adoptCommittedBundle(store, target: target, directory: directory) {
            note("brick-backup export: \(user): the bundle an interrupted export wrote was kept as it was")
        }
        let sequence = (try store.exportTarget(target)?.lastSequence ?? 0) + 1
        let file = try BundleFileOutput(directory: directory, user: user, sequence: sequence)
        do {
            return try exporter.export(store, to: file, commit: { try file.commit() }, progress: progress)
        } catch {
            file.discard()
            throw error
        }
    }
}
