import BrickCore
import BrickMessage
import BrickStore
import Foundation
import Logging

/// What a restore did.
public struct RestoreReport: Sendable {
    /// Items put back.
    public var restored = 0
    /// Items already at the target, left alone.
    public var skippedDuplicates = 0
    /// Items that failed, with folder, key and reason.
    public var failures: [String] = []
    /// Raw bytes restored.
    public var bytes: Int64 = 0
    /// Folders touched.
    public var folders = 0
}

/// Live counters of a restore, for a progress bar.
public final class RestoreProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = (done: 0, total: 0, bytes: Int64(0))

    /// Creates counters.
    public init() {}

    /// Items handled, items selected, bytes restored.
    public var snapshot: (done: Int, total: Int, bytes: Int64) { lock.withLock { counts } }

    func setTotal(_ total: Int) { lock.withLock { counts.total = total } }
    func advance(items: Int, bytes: Int64) {
        lock.withLock {
            counts.done += items
            counts.bytes += bytes
        }
    }
}

/// Replays selected items from a store into a target, folder by folder, in batches
/// bounded by bytes, skipping what the target already holds so a restore run twice
/// does not duplicate mail. A failed item is reported with its key and the rest go on.
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
    /// are restored again instead of skipped.
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

    /// Runs the restore.
    public func run() async throws -> RestoreReport {
        var report = RestoreReport()
        let items = try store.items(matching: query)
        progress?.setTotal(items.count)
        let specialUses = Dictionary(
            try store.folders(includeDeleted: true).map { ($0.path, $0.specialUse) }, uniquingKeysWith: { first, _ in first })
        var start = 0
        while start < items.count {
            let folder = items[start].folderPath
            var end = start
            while end < items.count && items[end].folderPath == folder { end += 1 }
            try await restoreFolder(folder, items: items[start..<end], specialUse: specialUses[folder] ?? nil, report: &report)
            start = end
        }
        try await target.finish()
        return report
    }

    /// The path a backed-up folder is restored to.
    public func targetPath(for folder: FolderPath) -> FolderPath {
        restoreRoot.map { $0.appending(folder) } ?? folder
    }

    private func restoreFolder(_ folder: FolderPath, items: ArraySlice<CatalogItem>, specialUse: SpecialUse?, report: inout RestoreReport) async throws {
        let destination = targetPath(for: folder)
        try await target.prepareFolder(destination, specialUse: restoreRoot == nil ? specialUse : nil)
        var present = overwrite ? [] : try await target.existingFingerprints(in: destination)
        report.folders += 1
        var batch: [RestoreItem] = []
        var batchSize = 0
        for item in items {
            let restoreItem: RestoreItem
            do {
                let (_, raw) = try store.readItem(item)
                restoreItem = RestoreItem(key: item.key, flags: item.flags, internalDate: item.receivedDate, messageID: item.messageID, raw: raw)
            } catch {
                report.failures.append("\(folder) \(item.key): \(error)")
                progress?.advance(items: 1, bytes: 0)
                continue
            }
            let fingerprint = MessageFingerprint(restoring: restoreItem)
            if !overwrite && present.contains(fingerprint) {
                report.skippedDuplicates += 1
                progress?.advance(items: 1, bytes: 0)
                continue
            }
            present.insert(fingerprint)
            batch.append(restoreItem)
            batchSize += restoreItem.raw.count
            if batchSize >= batchBytes || batch.count >= 500 {
                try await flush(&batch, to: destination, folder: folder, report: &report)
                batchSize = 0
            }
        }
        try await flush(&batch, to: destination, folder: folder, report: &report)
    }

    private func flush(_ batch: inout [RestoreItem], to destination: FolderPath, folder: FolderPath, report: inout RestoreReport) async throws {
        guard !batch.isEmpty else { return }
        let results = try await target.append(batch, to: destination)
        for (item, error) in zip(batch, results) {
            if let error {
                report.failures.append("\(folder) \(item.key): \(error)")
                logger.error("item not restored", metadata: ["folder": "\(folder)", "key": "\(item.key)", "error": "\(error)"])
            } else {
                report.restored += 1
                report.bytes += Int64(item.raw.count)
            }
        }
        progress?.advance(items: batch.count, bytes: batch.reduce(0) { $0 + Int64($1.raw.count) })
        batch.removeAll(keepingCapacity: true)
    }
}
