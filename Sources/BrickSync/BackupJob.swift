import BrickCore
import BrickStore
import Foundation
import Logging

/// One user to back up: where the store goes and how to reach the user's mail.
public struct UserBackupTask: Sendable {
    /// The user's name (also the store directory's name).
    public var user: String
    /// Where the user's store lives.
    public var layout: StoreLayout
    /// A text naming the source in logs and in the `runs` table (no credentials).
    public var sourceDescription: String
    /// Opens the user's source (connects, for a server).
    public var makeSource: @Sendable () async throws -> any MailSource

    /// Creates a task.
    public init(user: String, layout: StoreLayout, sourceDescription: String, makeSource: @escaping @Sendable () async throws -> any MailSource) {
        self.user = user
        self.layout = layout
        self.sourceDescription = sourceDescription
        self.makeSource = makeSource
    }
}

/// Backs up many users, `workers` at a time, largest first (by the size of their
/// catalog, which grows with their items; users never backed up go first since their
/// first run is the longest).
/// One user's failure is reported and does not stop the others. A user's task is made
/// when a worker takes the user, so a job of many users holds their names, not a task
/// (a source closure, a layout, a description) for each of them.
public struct BackupJob: Sendable {
    private let users: [String]
    private let makeTask: @Sendable (Int) throws -> UserBackupTask
    private let selection: FolderSelection
    private let workers: Int
    private let logger: Logger
    private let progress: BackupProgress?
    private let userTimeout: Double?
    private let readsSettings: Bool
    private let indexText: Bool

    /// Prepares a job of the tasks given (`readsSettings`: see `UserBackup`; `indexText`:
    /// turn on the message text index of each store, which stays on). `userTimeout`
    /// bounds each user's backup in seconds: when it passes, the user's source is
    /// aborted (its connection closed) and the user fails with `UserFailure.timedOut`;
    /// what was committed stays, the next run resumes.
    public init(
        tasks: [UserBackupTask], selection: FolderSelection, workers: Int, logger: Logger, progress: BackupProgress?,
        userTimeout: Double? = nil, readsSettings: Bool = true, indexText: Bool = false
    ) {
        self.init(
            users: tasks.map(\.user), selection: selection, workers: workers, logger: logger, progress: progress,
            userTimeout: userTimeout, readsSettings: readsSettings, indexText: indexText, makeTask: { tasks[$0] })
    }

    /// Prepares a job of `users`, each user's task made by `task` when a worker takes
    /// the user (and once, briefly, to find the size of the user's store for the
    /// order); a user whose task cannot be made fails with that error. The other
    /// arguments are those of `init(tasks:…)`.
    public init(
        users: [String], selection: FolderSelection, workers: Int, logger: Logger, progress: BackupProgress?,
        userTimeout: Double? = nil, readsSettings: Bool = true, indexText: Bool = false,
        task: @escaping @Sendable (String) throws -> UserBackupTask
    ) {
        self.init(
            users: users, selection: selection, workers: workers, logger: logger, progress: progress,
            userTimeout: userTimeout, readsSettings: readsSettings, indexText: indexText, makeTask: { try task(users[$0]) })
    }

    private init(
        users: [String], selection: FolderSelection, workers: Int, logger: Logger, progress: BackupProgress?,
        userTimeout: Double?, readsSettings: Bool, indexText: Bool, makeTask: @escaping @Sendable (Int) throws -> UserBackupTask
    ) {
        self.users = users
        self.makeTask = makeTask
        self.readsSettings = readsSettings
        self.indexText = indexText
        self.selection = selection
        self.workers = max(1, workers)
        self.logger = logger
        self.progress = progress
        self.userTimeout = userTimeout
    }

    /// Runs every user and returns one report per user, in the order given.
    public func run() async -> [UserBackupReport] {
        let sizes = users.indices.map { index in (try? makeTask(index)).map { Self.previousSize($0.layout) } ?? Int64.max }
        let ordered = users.indices.sorted { sizes[$0] > sizes[$1] }
        var reports = [UserBackupReport?](repeating: nil, count: users.count)
        await withTaskGroup(of: (Int, UserBackupReport).self) { group in
            var next = 0
            func startNext() {
                guard next < ordered.count else { return }
                let index = ordered[next]
                next += 1
                group.addTask { (index, await backUp(index)) }
            }
            for _ in 0..<workers { startNext() }
            for await (index, report) in group {
                reports[index] = report
                startNext()
            }
        }
        return reports.map { $0! }
    }

    /// Backs up the user at `index`, whose task cannot be made, or that fails, in the report.
    private func backUp(_ index: Int) async -> UserBackupReport {
        let task: UserBackupTask
        do {
            task = try makeTask(index)
        } catch {
            var report = UserBackupReport(user: users[index])
            report.failure = UserFailure(error)
            logger.error("backup failed: \(error)", metadata: ["user": "\(users[index])"])
            return report
        }
        return await backUp(task)
    }

    /// Backs up one user and never throws: failures land in the report.
    private func backUp(_ task: UserBackupTask) async -> UserBackupReport {
        var report = UserBackupReport(user: task.user)
        let started = Date()
        progress?.userStarted(task.user)
        defer { progress?.userFinished(task.user) }
        var userLogger = logger
        userLogger[metadataKey: "user"] = "\(task.user)"
        let opened = OpenedSource()
        let work = Task { [selection, progress, userLogger, readsSettings, indexText] () async throws -> RunTotals in
            let store = try UserStore(layout: task.layout, user: task.user, mode: .readWrite)
            if indexText, try !store.indexesText { try store.enableTextIndex() }
            let source = try await task.makeSource()
            await opened.set(source)
            do {
                let backup = UserBackup(
                    store: store, source: source, sourceDescription: task.sourceDescription, selection: selection,
                    logger: userLogger, progress: progress, readsSettings: readsSettings)
                let totals = try await backup.run()
                await source.close()
                return totals
            } catch {
                await source.close()
                throw error
            }
        }
        let deadline = userTimeout.map { seconds in
            UserDeadline(seconds: seconds) {
                Task {
                    await opened.expire()
                    work.cancel()
                }
            }
        }
        do {
            report.totals = try await work.value
        } catch {
            let failure = await opened.expired
                ? UserFailure(UserDeadlineExceeded(user: task.user, seconds: userTimeout ?? 0)) : UserFailure(error)
            report.failure = failure
            userLogger.error("backup failed: \(failure)")
        }
        deadline?.cancel()
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// The size of the user's catalog file as a measure of the last backup (it grows
    /// with the number of items), or `Int64.max` for a user without a store. One
    /// `stat` per user: scheduling a thousand users must not open a thousand stores.
    private static func previousSize(_ layout: StoreLayout) -> Int64 {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: layout.catalog.path),
            let size = attributes[.size] as? NSNumber
        else { return Int64.max }
        return size.int64Value
    }
}

/// The source of one user's backup once opened, so that a deadline can abort it.
private actor OpenedSource {
    private var source: (any MailSource)?
    private(set) var expired = false

    func set(_ source: any MailSource) async {
        self.source = source
        if expired { await source.abort() }
    }

    /// Marks the deadline passed and aborts the source.
    func expire() async {
        expired = true
        await source?.abort()
    }
}
