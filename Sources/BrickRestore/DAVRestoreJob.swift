import BrickCore
import BrickDAV
import BrickStore
import Foundation
import Logging

/// Replays selected calendar and contact items from a store into a CalDAV/CardDAV
/// home: each backed-up collection into a collection of the same name (or all into
/// one collection named after `restoreRoot`), created when missing with the
/// collection's display name and colour. Resources keep their file names and bytes.
/// Running it twice adds nothing: a resource already there (same name or same UID)
/// is left alone unless `overwrite`. Mail items and collections of a kind the target
/// does not take are counted, not tried.
public struct DAVRestoreJob: Sendable {
    private let store: UserStore
    private let query: ItemQuery
    private let target: DAVTarget
    private let kinds: Set<DAVCollection.Kind>
    private let restoreRoot: String?
    private let overwrite: Bool
    private let logger: Logger
    private let progress: RestoreProgress?

    /// Prepares a restore into `target` of the items of `kinds` that `query` selects.
    public init(
        store: UserStore, query: ItemQuery, target: DAVTarget, kinds: Set<DAVCollection.Kind>, restoreRoot: String?,
        overwrite: Bool, logger: Logger, progress: RestoreProgress? = nil
    ) {
        self.store = store
        self.query = query
        self.target = target
        self.kinds = kinds
        self.restoreRoot = restoreRoot
        self.overwrite = overwrite
        self.logger = logger
        self.progress = progress
    }

    /// Runs the restore.
    public func run() async throws -> RestoreReport {
        var report = RestoreReport()
        progress?.setTotal(try store.count(matching: query).items)
        let folders = Dictionary(try store.folders(includeDeleted: true).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var prepared: [FolderID: String] = [:]
        var refused: Set<FolderID> = []
        let pager = ItemPager(store: store, query: query)
        while let page = try pager.next() {
            for item in page {
                defer { progress?.advance(items: 1, bytes: 0) }
                guard let folder = folders[item.folderID], let href = folder.davHref,
                    let collection = DAVCollection(href: href, propertiesJSON: folder.davProperties ?? ""),
                    kinds.contains(collection.kind)
                else {
                    report.notApplicable += 1
                    continue
                }
                if refused.contains(folder.id) {
                    report.itemsNotTried += 1
                    continue
                }
                let destination: String
                if let known = prepared[folder.id] {
                    destination = known
                } else {
                    do {
                        destination = try await target.prepareCollection(
                            segment: segment(for: collection), like: collection, displayName: restoreRoot ?? collection.displayName)
                    } catch {
                        refused.insert(folder.id)
                        report.foldersFailed += 1
                        report.failures.append("\(folder.path): \(error)")
                        report.itemsNotTried += 1
                        continue
                    }
                    prepared[folder.id] = destination
                    report.folders += 1
                }
                do {
                    let (_, raw) = try store.readItem(item)
                    switch try await target.put(raw, name: item.key.rawValue, in: destination, kind: collection.kind, overwrite: overwrite) {
                    case .created: report.restored += 1
                    case .replaced:
                        report.restored += 1
                        report.replaced += 1
                    case .alreadyThere: report.skippedDuplicates += 1
                    }
                    report.bytes += Int64(raw.count)
                } catch let error as StoreError where error.stopsRun {
                    throw error
                } catch {
                    logger.error("item failed", metadata: ["folder": "\(folder.path)", "key": "\(item.key)", "error": "\(error)"])
                    report.failures.append("\(folder.path) \(item.key): \(error)")
                }
            }
        }
        await target.client.close()
        return report
    }

    /// The name of the collection an item of `collection` goes to.
    private func segment(for collection: DAVCollection) -> String {
        guard let restoreRoot else { return DAVPath.lastSegment(of: collection.href) }
        let base = restoreRoot.replacingOccurrences(of: "/", with: "-")
        return collection.kind == .addressbook && kinds.count > 1 ? base + "-contacts" : base
    }
}
