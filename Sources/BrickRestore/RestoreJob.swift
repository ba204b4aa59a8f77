import BrickCore
import BrickMessage
import BrickStore
import Foundation
import Logging

/// Replays selected items from a store into a target, folder by folder, in batches
/// bounded by bytes, skipping what the target already holds so a restore run twice
/// does not duplicate mail. A failed item is reported with its key and the rest go on.
///
/// With `overwrite`, an item already at the target replaces it: the item is appended,
/// and once the folder's items are appended, the copies listed before (those of items
/// that landed) are removed. The new copy always exists before the old one goes, so an
/// interruption leaves a duplicate that the next run removes, never a loss.
public struct RestoreJob: Sendable {
    private let store: UserStore
    private let query: ItemQuery
    private let target: any RestoreTarget
    private let restoreRoot: FolderPath?
    private let overwrite: Bool
    private let logger: Logger
    private let progress: RestoreProgress?
    private let batchBytes: Int

    /// Prepares a restore of the items `query` selects in `store` into `target`,
    /// under `restoreRoot` when given. With `overwrite`, items already at the target
    /// replace the copies there instead of being skipped.
    public init(
        store: UserStore, query: ItemQuery, target: any RestoreTarget, restoreRoot: FolderPath?, overwrite: Bool,
        logger: Logger, progress: RestoreProgress? = nil, batchBytes: Int = 8 << 20
    ) {
        self.store = store
        self.query = query
        self.target = target
        self.restoreRoot = restoreRoot
        self.overwrite = overwrite
        self.logger = logger
        self.progress = progress
        self.batchBytes = batchBytes
    }

    /// Runs the restore. Items come from the store a page at a time, so memory holds
    /// one page, one batch and the listing of the folder being restored.
    public func run() async throws -> RestoreReport {
        var report = RestoreReport()
        progress?.setTotal(try store.count(matching: query).items)
        if overwrite { try await target.checkCanRemove() }
        let specialUses = Dictionary(
            try store.folders(includeDeleted: true).map { ($0.path, $0.specialUse) }, uniquingKeysWith: { first, _ in first })
        let pager = ItemPager(store: store, query: query)
        var current: FolderRun?
        var refused: (folder: FolderPath, items: Int)?
        while let page = try pager.next() {
            for item in page {
                if let skipped = refused, skipped.folder == item.folderPath {
                    refused?.items += 1
                    progress?.advance(items: 1, bytes: 0)
                    continue
                }
                if current?.folder != item.folderPath {
                    if let done = current { try await finish(done, report: &report) }
                    current = nil
                    closeRefused(&refused, report: &report)
                    do {
                        current = try await start(item.folderPath, specialUse: specialUses[item.folderPath] ?? nil, report: &report)
                    } catch {
                        refuse(item.folderPath, error, report: &report)
                        refused = (item.folderPath, 1)
                        progress?.advance(items: 1, bytes: 0)
                        continue
                    }
                }
                try await restore(item, in: &current!, report: &report)
            }
        }
        if let done = current { try await finish(done, report: &report) }
        closeRefused(&refused, report: &report)
        try await target.finish()
        return report
    }

    /// Records a folder the target refused; the restore goes on with the next one.
    private func refuse(_ folder: FolderPath, _ error: any Error, report: inout RestoreReport) {
        report.foldersFailed += 1
        report.failures.append("\(folder): folder refused by the target, its items were not restored: \(error)")
        logger.error("folder refused by the target", metadata: ["folder": "\(folder)", "error": "\(error)"])
    }

    private func closeRefused(_ refused: inout (folder: FolderPath, items: Int)?, report: inout RestoreReport) {
        if let done = refused { report.itemsNotTried += done.items }
        refused = nil
    }

    /// The path a backed-up folder is restored to.
    public func targetPath(for folder: FolderPath) -> FolderPath {
        restoreRoot.map { $0.appending(folder) } ?? folder
    }

    /// Prepares the target folder and lists what it holds.
    private func start(_ folder: FolderPath, specialUse: SpecialUse?, report: inout RestoreReport) async throws -> FolderRun {
        let destination = targetPath(for: folder)
        try await target.prepareFolder(destination, specialUse: restoreRoot == nil ? specialUse : nil)
        report.folders += 1
        return FolderRun(folder: folder, destination: destination, existing: try await target.existingMessages(in: destination))
    }

    /// Reads one item and adds it to the folder's batch, unless the target has it.
    private func restore(_ item: CatalogItem, in run: inout FolderRun, report: inout RestoreReport) async throws {
        let restoreItem: RestoreItem
        let fingerprint: MessageFingerprint
        let digest: String
        do {
            if UInt64(clamping: item.size) > StreamedItem.threshold {
                // A large message is read piece by piece: once here for its digests
                // (which proves it sound), once more by the target as it writes.
                let stream = try store.openBody(item)
                restoreItem = RestoreItem(
                    key: item.key, flags: item.flags, internalDate: item.receivedDate, messageID: item.messageID, stream: stream)
                (fingerprint, digest) = try MessageFingerprint.restoring(
                    stream: stream, messageID: item.messageID, internalDate: item.receivedDate)
            } else {
                let (_, raw) = try store.readItem(item)
                restoreItem = RestoreItem(key: item.key, flags: item.flags, internalDate: item.receivedDate, messageID: item.messageID, raw: raw)
                fingerprint = MessageFingerprint(restoring: restoreItem)
                digest = MessageFingerprint.contentDigest(restoreItem.raw)
            }
        } catch {
            report.failures.append("\(run.folder) \(item.key): \(error)")
            progress?.advance(items: 1, bytes: 0)
            return
        }
        let identity = MessageFingerprint(identity: digest, internalDate: fingerprint.internalDate)
        if run.seen.contains(identity) {
            report.skippedDuplicates += 1
            progress?.advance(items: 1, bytes: 0)
            return
        }
        let sameMessage = try await copies(of: fingerprint, withDigest: digest, in: &run)
        if !overwrite && !sameMessage.isEmpty {
            report.skippedDuplicates += 1
            progress?.advance(items: 1, bytes: 0)
            return
        }
        run.seen.insert(identity)
        run.batch.add(restoreItem, replacing: overwrite ? sameMessage : [])
        if run.batch.bytes >= batchBytes || run.batch.items.count >= 500 {
            try await flush(&run, report: &report)
        }
    }

    /// The copies at the target that are this message: those the fingerprint
    /// (Message-ID and date) finds, narrowed to the ones whose content digest is the
    /// item's, so two different messages sharing a Message-ID and a date are both
    /// restored. Digests are asked of the target once per copy.
    private func copies(of fingerprint: MessageFingerprint, withDigest digest: String, in run: inout FolderRun) async throws -> [ExistingCopy] {
        guard let candidates = run.existing[fingerprint], !candidates.isEmpty else { return [] }
        let unknown = candidates.filter { run.digests[$0] == nil }
        if !unknown.isEmpty {
            var found: [ExistingCopy: String] = [:]
            do {
                found = try await target.contentDigests(of: unknown, in: run.destination)
            } catch {
                // Unread copies count as other messages: the item is restored again
                // (a duplicate at worst, never a loss).
                logger.warning("copies at the target not read", metadata: ["folder": "\(run.folder)", "error": "\(error)"])
            }
            for copy in unknown { run.digests[copy] = found[copy] ?? "" }
        }
        return candidates.filter { run.digests[$0] == digest }
    }

    /// Appends what is left of the folder's batch and removes the copies replaced.
    private func finish(_ run: FolderRun, report: inout RestoreReport) async throws {
        var run = run
        try await flush(&run, report: &report)
        try await removeReplaced(run.replacing, from: run.destination, folder: run.folder, report: &report)
    }

    /// Removes the earlier copies of the items that landed. A failure leaves them as
    /// duplicates and is reported for the folder.
    private func removeReplaced(_ replacing: Replacement, from destination: FolderPath, folder: FolderPath, report: inout RestoreReport) async throws {
        guard !replacing.copies.isEmpty else { return }
        do {
            try await target.remove(replacing.copies, from: destination)
            report.replaced += replacing.items
        } catch {
            report.failures.append("\(folder): \(replacing.items) restored items keep their earlier copies: \(error)")
            logger.error("earlier copies not removed", metadata: ["folder": "\(folder)", "error": "\(error)"])
        }
    }

    private func flush(_ run: inout FolderRun, report: inout RestoreReport) async throws {
        guard !run.batch.items.isEmpty else { return }
        let results: [(any Error)?]
        do {
            results = try await target.append(run.batch.items, to: run.destination)
        } catch {
            results = Array(repeating: error, count: run.batch.items.count)
        }
        for ((item, copies), error) in zip(zip(run.batch.items, run.batch.copies), results) {
            if let error {
                report.failures.append("\(run.folder) \(item.key): \(error)")
                logger.error("item not restored", metadata: ["folder": "\(run.folder)", "key": "\(item.key)", "error": "\(error)"])
            } else {
                report.restored += 1
                report.bytes += Int64(item.size)
                if !copies.isEmpty {
                    run.replacing.items += 1
                    run.replacing.copies += copies
                }
            }
        }
        progress?.advance(items: run.batch.items.count, bytes: Int64(run.batch.bytes))
        run.batch = Batch()
    }
}

/// The restore of one folder in progress.
private struct FolderRun {
    /// The backed-up folder.
    var folder: FolderPath
    /// Where it goes.
    var destination: FolderPath
    /// What the target held before this run appended anything.
    var existing: [MessageFingerprint: [ExistingCopy]]
    /// Content digests and dates restored so far, so an item selected twice goes once.
    var seen: Set<MessageFingerprint> = []
    /// Content digests of the listed copies asked of the target so far ("" when it
    /// had none for a copy).
    var digests: [ExistingCopy: String] = [:]
    /// Copies to remove at the end (with `overwrite`).
    var replacing = Replacement()
    /// Items waiting to be appended.
    var batch = Batch()
}

/// The earlier copies a folder's restored items replace.
private struct Replacement {
    /// Items restored that had copies at the target.
    var items = 0
    /// Their copies, as the target listed them before anything was appended.
    var copies: [ExistingCopy] = []
}

/// Items on their way to the target, with the copies each replaces.
private struct Batch {
    /// The items, in order.
    var items: [RestoreItem] = []
    /// Per item, the copies at the target it replaces (empty without `overwrite`).
    var copies: [[ExistingCopy]] = []
    /// Raw bytes of the items.
    var bytes = 0

    mutating func add(_ item: RestoreItem, replacing existing: [ExistingCopy]) {
        items.append(item)
        copies.append(existing)
        bytes += item.size
    }
}
