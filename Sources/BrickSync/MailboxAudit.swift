import BrickCore
import BrickStore
import Foundation
import Logging

/// Compares one user's mailbox upstream, as it is now, with the user's store: for each
/// selected folder the source lists its messages and flags (no bodies) and the store's
/// present items are compared with them; with a sample, that share of the stored items
/// is downloaded again and its SHA-256 compared with the stored bytes. Nothing is
/// written to the store.
public struct MailboxAudit: Sendable {
    private let store: UserStore
    private let source: any MailSource
    private let selection: FolderSelection
    private let samplePercent: Double
    private let logger: Logger

    /// An audit of `store` against `source`; `samplePercent` (0 to 100) of the stored
    /// present items are downloaded and compared byte for byte.
    public init(store: UserStore, source: any MailSource, selection: FolderSelection, samplePercent: Double, logger: Logger) {
        self.store = store
        self.source = source
        self.selection = selection
        self.samplePercent = samplePercent
        self.logger = logger
    }

    /// Runs the audit. A folder that fails is named in the report and the others go on.
    public func run() async throws -> AuditReport {
        var report = AuditReport(user: store.user)
        let upstream = try await source.listFolders().filter { selection.includes($0) }
        let upstreamPaths = Set(upstream.map(\.path))
        for folder in upstream {
            guard folder.selectable else { continue }
            let stored = try store.folder(at: folder.path)
            if stored == nil { report.missingFolders.append(folder.path) }
            report.folders += 1
            do {
                // A folder the store lacks is compared with nothing: its messages are missing.
                let found = try await compare(folder, with: stored)
                report.upstreamItems += found.upstreamItems
                report.missing += found.missing
                report.notYetDeleted += found.notYetDeleted
                report.flagDifferences += found.flagDifferences
                report.sampled += found.sampled
                report.sampleMismatches += found.sampleMismatches
            } catch {
                logger.warning("folder not audited", metadata: ["user": "\(store.user)", "folder": "\(folder.path)", "error": "\(error)"])
                report.failedFolders.append("\(folder.path): \(error)")
            }
        }
        // Live mail folders of the store that are gone upstream: their items are not
        // yet seen as deleted. Calendar and contact folders are not audited.
        for folder in try store.folders() where folder.scope == .mail && !upstreamPaths.contains(folder.path)
            && selection.includes(SourceFolder(path: folder.path, upstreamName: folder.upstreamName ?? "", specialUse: folder.specialUse))
        {
            let present = try store.presentItems(in: folder.id)
            report.notYetDeleted += present.keys.sorted { $0.rawValue < $1.rawValue }.map {
                AuditReport.Entry(folder: folder.path, key: $0, detail: "folder gone upstream")
            }
        }
        return report
    }

    /// Compares one folder with the store's folder at its path, or with nothing.
    private func compare(_ folder: SourceFolder, with stored: StoredFolder?) async throws -> AuditReport {
        guard let stored else {
            let sink = AuditSink(store: store, path: folder.path, sampled: [:], stored: [:])
            try await source.synchronize(folder, from: FolderSyncState(token: source.auditToken(for: nil)) { [:] }, into: sink)
            var found = sink.findings
            found.upstreamItems = found.missing.count
            return found
        }
        let present = try store.presentItems(in: stored.id)
        var sampled: [ItemKey: CatalogItem] = [:]
        if samplePercent > 0 {
            var query = ItemQuery()
            query.folders = [stored.path]
            try store.forEachItem(matching: query) { item in
                if samplePercent >= 100 || Double.random(in: 0..<100) < samplePercent { sampled[item.key] = item }
            }
        }
        let shown = present.filter { sampled[$0.key] == nil }
        let state = FolderSyncState(token: source.auditToken(for: stored.syncToken)) { shown }
        let sink = AuditSink(store: store, path: stored.path, sampled: sampled, stored: present)
        try await source.synchronize(folder, from: state, into: sink)
        var found = sink.findings
        found.upstreamItems = present.count + found.missing.count - found.notYetDeleted.count
        return found
    }
}
