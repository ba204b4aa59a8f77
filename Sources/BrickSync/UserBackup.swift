import BrickCore
import BrickStore
import Foundation
import Logging

/// The outcome of backing up one user.
public struct UserBackupReport: Sendable {
    /// The user.
    public var user: String
    /// Totals of the run.
    public var totals = RunTotals()
    /// Wall time.
    public var seconds: Double = 0
    /// Set when the user failed as a whole (store locked, source unreachable).
    public var failure: UserFailure?

    /// True when nothing went wrong.
    public var succeeded: Bool { failure == nil && totals.errors.isEmpty }
}

/// Backs up one user: reconciles folders (new, renamed, moved, gone), then lets the
/// source stream each selected folder's changes into the store, batch by batch.
///
/// One folder's failure is recorded in the run and the next folder goes on; the sync
/// token of a failed folder stays at its last committed batch, so the next run resumes.
public struct UserBackup: Sendable {
    private let store: UserStore
    private let source: any MailSource
    private let selection: FolderSelection
    private let sourceDescription: String
    private let logger: Logger
    private let progress: BackupProgress?
    private let readsSettings: Bool

    /// Prepares a backup of `store`'s user from `source`; with `readsSettings` (the
    /// default) the user's settings are read too when the source offers them.
    public init(
        store: UserStore, source: any MailSource, sourceDescription: String, selection: FolderSelection,
        logger: Logger, progress: BackupProgress? = nil, readsSettings: Bool = true
    ) {
        self.readsSettings = readsSettings
        self.store = store
        self.source = source
        self.sourceDescription = sourceDescription
        self.selection = selection
        self.logger = logger
        self.progress = progress
    }

    /// Runs the backup and records it as a run in the store.
    public func run() async throws -> RunTotals {
        let run = try store.beginRun(kind: "backup", source: sourceDescription)
        var totals = RunTotals()
        let settingsSource = readsSettings ? source as? any SettingsSource ?? (source as? CombinedSource)?.settingsSource : nil
        settingsSource?.prepareSettings()
        do {
            let upstream = try await source.listFolders()
            recordSkipped(into: &totals)
            try reconcile(upstream: upstream, run: run, totals: &totals)
            for folder in upstream where selection.includes(folder) {
                do {
                    try await backUp(folder, run: run, totals: &totals)
                } catch let error as StoreError where error.stopsRun {
                    throw error
                } catch {
                    if error is CancellationError || Task.isCancelled { throw error }
                    logger.error("folder failed", metadata: ["user": "\(store.user)", "folder": "\(folder.path)", "error": "\(error)"])
                    totals.errors.append("\(folder.path): \(error)")
                    totals.foldersSkipped += 1
                }
                recordSkipped(into: &totals)
            }
            if let settingsSource {
                try await backUpSettings(from: settingsSource, run: run, totals: &totals)
                recordSkipped(into: &totals)
            }
        } catch {
            settingsSource?.discardPreparedSettings()
            recordSkipped(into: &totals)
            totals.errors.append("\(error)")
            try? store.finishRun(run, totals: totals, status: "failed")
            throw error
        }
        try store.finishRun(run, totals: totals, status: totals.errors.isEmpty ? "ok" : "partial")
        return totals
    }

    /// Reads the user's settings and stores what changed. A failure to read them is one
    /// error of the run; the stored settings stay as they were.
    private func backUpSettings(from settingsSource: any SettingsSource, run: RunHandle, totals: inout RunTotals) async throws {
        let started = Date()
        do {
            let snapshot = try await settingsSource.readSettings()
            let change = try store.recordSettings(snapshot, run: run)
            totals.settingsChanged += change.added + change.changed + change.removed
            totals.notes += snapshot.notes
            totals.errors += snapshot.failures.map { "settings: \($0)" }
            logger.debug("settings read", metadata: [
                "user": "\(store.user)", "settings": "\(snapshot.settings.count)", "added": "\(change.added)",
                "changed": "\(change.changed)", "removed": "\(change.removed)",
                "seconds": "\(String(format: "%.4f", Date().timeIntervalSince(started)))",
            ])
        } catch let error as StoreError where error.stopsRun {
            throw error
        } catch {
            if error is CancellationError || Task.isCancelled { throw error }
            logger.error("settings failed", metadata: ["user": "\(store.user)", "error": "\(error)"])
            totals.errors.append("settings: \(error)")
        }
    }

    /// Takes what the source skipped on purpose (symlinks, FIFOs, oversized messages)
    /// into the run: each counts as skipped and is one line of the run's errors, so the
    /// run is partial and the summary names it.
    private func recordSkipped(into totals: inout RunTotals) {
        for entry in source.takeSkippedEntries() {
            logger.warning("\(entry)", metadata: ["user": "\(store.user)"])
            if entry.isFolder { totals.foldersSkipped += 1 } else { totals.itemsSkipped += 1 }
            totals.errors.append(entry.description)
        }
    }

    /// Applies renames/moves and marks folders gone upstream deleted.
    private func reconcile(upstream: [SourceFolder], run: RunHandle, totals: inout RunTotals) throws {
        let scope = source.listedScope()
        let plan = FolderReconciliation(upstream: upstream, stored: try store.folders().filter { scope.contains($0.scope) })
        for (stored, target) in plan.moves {
            logger.info("folder moved", metadata: ["user": "\(store.user)", "from": "\(stored.path)", "to": "\(target.path)"])
            try store.moveFolder(stored.id, to: target.path, upstreamName: target.upstreamName, run: run)
        }
        for folder in plan.gone.sorted(by: { $0.path.depth < $1.path.depth }) {
            guard try store.folder(at: folder.path) != nil else { continue }
            logger.info("folder gone upstream", metadata: ["user": "\(store.user)", "folder": "\(folder.path)"])
            totals.itemsDeleted += try store.markFolderDeleted(folder.id, run: run)
            totals.foldersDeleted += 1
        }
    }

    /// Synchronizes one folder.
    private func backUp(_ upstream: SourceFolder, run: RunHandle, totals: inout RunTotals) async throws {
        let (folder, created) = try store.ensureFolder(
            upstream.path, upstreamName: upstream.upstreamName, specialUse: upstream.specialUse,
            identity: upstream.identity, dav: upstream.dav, run: run)
        if created { totals.foldersAdded += 1 }
        guard upstream.selectable else { return }
        let store = self.store
        let folderID = folder.id
        var state = FolderSyncState(token: folder.syncToken) { try store.presentItems(in: folderID) }
        state.knownEmailIDs = { ids in try store.knownEmailIDs(ids) }
        if upstream.dav != nil { state.loadItemVersions = { try store.presentItemVersions(in: folderID) } }
        let sink = StoreSink(store: store, folder: folder, run: run, progress: progress)
        let started = Date()
        defer { progress?.folderDone() }
        do {
            try await source.synchronize(upstream, from: state, into: sink)
        } catch {
            try? await sink.finish()
            throw error
        }
        try await sink.finish()
        let outcome = sink.outcome
        totals.itemsAdded += outcome.added
        totals.itemsUpdated += outcome.updated
        totals.itemsDeleted += outcome.deleted
        totals.bytesAdded += outcome.bytes
        totals.notes += outcome.notes
        totals.dav.add(outcome.dav)
        for skipped in sink.skipped {
            logger.warning("item skipped", metadata: [
                "user": "\(store.user)", "folder": "\(upstream.path)", "key": "\(skipped.key.rawValue)", "reason": "\(skipped.reason)",
            ])
            totals.errors.append("\(upstream.path): item \(skipped.key.rawValue) skipped: \(skipped.reason)")
            totals.itemsSkipped += 1
        }
        logger.debug("folder synchronized", metadata: [
            "user": "\(store.user)", "folder": "\(upstream.path)", "added": "\(outcome.added)",
            "updated": "\(outcome.updated)", "deleted": "\(outcome.deleted)",
            "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
        ])
    }
}
