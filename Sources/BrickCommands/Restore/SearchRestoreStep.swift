import BrickCore
import BrickRestore
import BrickStore
import Foundation
import Logging

/// `brick-restore STORE --all-users|-u|--users-file|--group …`: searches many users'
/// catalogs at once, then lists the hits with a user column or restores them, each
/// user's into a place of its own (docs/DESIGN.md "Search across users").
struct SearchRestoreStep {
    var root: URL
    var search: SearchOptions
    var query: ItemQuery
    var to: String?
    var targetUser: String?
    var restoreRoot: String?
    var intoOwnMailboxes: Bool
    var overwrite: Bool
    var format: ListingFormat?
    var imap: IMAPOptions
    var output: OutputOptions
    /// `--dav-authorize-as`: the admin acts for each target user (DAV targets).
    var davAuthorizeAs = false

    /// Runs the search (and the restore unless `dryRun`); returns whether something failed.
    func run(dryRun: Bool) async throws -> Bool {
        let stores = try search.stores(root: root)
        guard !stores.isEmpty else { throw UsageError("no user store to search under \(root.path)") }
        let spec = try to.map { try TargetSpec(parsing: $0) }
        if let spec, !dryRun { try check(spec) }
        let started = Date()
        let listing = dryRun ? ItemListing(format: format ?? .automatic, withUser: true) : nil
        listing?.begin()
        let hits = HitCollector(keepKeys: search.limit != nil)
        let engine = SiteSearch(stores: stores, query: query, jobs: search.workers, limit: search.limit)
        let failures = engine.run { user, items in
            for item in items { listing?.write(item, user: user) }
            hits.add(user: user, items)
        }
        listing?.end(summary: false)
        for failure in failures { Terminal.printError("failed: \(failure.user): \(failure.error)") }
        let found = hits.snapshot
        Terminal.printError("\(Formatting.count(found.items)) hits (\(Formatting.bytes(found.bytes))) in \(found.users.count) of "
            + "\(Formatting.count(stores.count)) users searched in \(Formatting.duration(Date().timeIntervalSince(started)))"
            + (search.limit.map { found.items >= $0 ? "; stopped at --limit \($0)" : "" } ?? ""))
        guard let spec, !dryRun else { return !failures.isEmpty }
        var failed = !failures.isEmpty
        for user in found.users {
            failed = try await restore(user: user, keys: found.keys[user], spec: spec) || failed
        }
        return failed
    }

    /// Refuses a restore that would go into the users' own mailboxes unasked.
    private func check(_ spec: TargetSpec) throws {
        switch spec {
        case .imap:
            if intoOwnMailboxes { return }
            guard targetUser != nil, restoreRoot != nil else {
                throw UsageError("restoring hits of many users into IMAP needs --user ACCOUNT and --restore-root FOLDER (each user a subfolder of it), or --into-own-mailboxes")
            }
        case .maildir:
            guard restoreRoot != nil else { throw UsageError("restoring hits of many users into a Maildir needs --restore-root FOLDER (each user a subfolder of it)") }
        case .eml, .mbox, .calendarFiles:
            guard !intoOwnMailboxes else { throw UsageError("--into-own-mailboxes needs an imap:// or imaps:// target") }
        case .dav:
            if intoOwnMailboxes { return }
            guard targetUser != nil, restoreRoot != nil else {
                throw UsageError("restoring hits of many users into a DAV server needs --user ACCOUNT and --restore-root NAME (each user a collection named NAME USER), or --into-own-mailboxes")
            }
        }
    }

    /// Restores one user's hits; returns whether some failed.
    private func restore(user: String, keys: [ItemKey]?, spec: TargetSpec) async throws -> Bool {
        let store = try UserStore(layout: StoreLayout(userDirectory: root.appendingPathComponent(user)), mode: .readOnly)
        var userQuery = query
        if let keys { userQuery.keys = keys }
        if case .dav(let url, let kinds) = spec {
            // Into each user's own home, or into one account's home, a collection per user.
            let step = DAVRestoreStep(
                url: url, kinds: kinds, targetUser: intoOwnMailboxes ? user : targetUser ?? user,
                restoreRoot: intoOwnMailboxes ? restoreRoot : restoreRoot.map { "\($0) \(user)" }, overwrite: overwrite,
                authorizeAs: davAuthorizeAs, imap: imap, output: output, summaryPrefix: "\(user): ")
            return try await step.run(store: store, query: userQuery)
        }
        let base = restoreRoot.map(FolderPath.init(parsing:)) ?? .root
        let logger = CommandLogging.logger(level: output.logLevel, progress: nil)
        let target: any RestoreTarget
        let root: FolderPath?
        switch spec {
        case .eml(let directory):
            target = EMLTarget(directory: directory + "/" + user)
            root = restoreRoot.map(FolderPath.init(parsing:))
        case .imap where intoOwnMailboxes:
            target = try await spec.open(user: user, imap: imap, logger: logger)
            root = restoreRoot.map(FolderPath.init(parsing:))
        default:
            target = try await spec.open(user: targetUser ?? user, imap: imap, logger: logger)
            root = base.appending(user)
        }
        let job = RestoreJob(store: store, query: userQuery, target: target, restoreRoot: root, overwrite: overwrite, logger: logger)
        if let mbox = target as? MboxTarget {
            var folders: Set<FolderPath> = []
            try store.forEachItem(matching: userQuery) { folders.insert(job.targetPath(for: $0.folderPath)) }
            do {
                try mbox.checkBeforeWriting(folders: Array(folders))
            } catch {
                throw UsageError("\(error)")
            }
        }
        let report = try await job.run()
        for failure in report.failures { Terminal.printError("failed: \(user): \(failure)") }
        Terminal.write("\(user): restored \(Formatting.count(report.restored)), skipped as duplicate \(Formatting.count(report.skippedDuplicates)), "
            + "failed \(Formatting.count(report.failures.count)); \(Formatting.bytes(report.bytes))\n")
        return !report.failures.isEmpty
    }
}

/// The hits of a search, per user: counts, and the keys when a limit may cut a
/// user's hits short.
final class HitCollector: @unchecked Sendable {
    private let lock = NSLock()
    private let keepKeys: Bool
    private var users: [String] = []
    private var keys: [String: [ItemKey]] = [:]
    private var items = 0
    private var bytes: Int64 = 0

    init(keepKeys: Bool) { self.keepKeys = keepKeys }

    func add(user: String, _ found: [CatalogItem]) {
        lock.withLock {
            users.append(user)
            items += found.count
            bytes += found.reduce(0) { $0 + $1.size }
            if keepKeys { keys[user] = found.map(\.key) }
        }
    }

    var snapshot: (users: [String], keys: [String: [ItemKey]], items: Int, bytes: Int64) {
        lock.withLock { (users.sorted(), keys, items, bytes) }
    }
}
