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
/// One user's failure is reported and does not stop the others.
public struct BackupJob: Sendable {
    private let tasks: [UserBackupTask]
    private let selection: FolderSelection
    private let workers: Int
    private let logger: Logger
    private let progress: BackupProgress?

    /// Prepares a job.
    public init(tasks: [UserBackupTask], selection: FolderSelection, workers: Int, logger: Logger, progress: BackupProgress?) {
        self.tasks = tasks
        self.selection = selection
        self.workers = max(1, workers)
        self.logger = logger
        self.progress = progress
    }

    /// Runs every user and returns one report per user, in the order given.
    public func run() async -> [UserBackupReport] {
        let sizes = tasks.map { Self.previousSize($0.layout) }
        let ordered = tasks.enumerated().sorted { sizes[$0.offset] > sizes[$1.offset] }
        var reports = [UserBackupReport?](repeating: nil, count: tasks.count)
        await withTaskGroup(of: (Int, UserBackupReport).self) { group in
            var next = 0
            func startNext() {
                guard next < ordered.count else { return }
                let (index, task) = ordered[next]
                next += 1
                group.addTask { (index, await backUp(task)) }
            }
            for _ in 0..<workers { startNext() }
            for await (index, report) in group {
                reports[index] = report
                startNext()
            }
        }
        return reports.map { $0! }
    }

    /// Backs up one user and never throws: failures land in the report.
    private func backUp(_ task: UserBackupTask) async -> UserBackupReport {
        var report = UserBackupReport(user: task.user)
        let started = Date()
        progress?.userStarted(task.user)
        defer { progress?.userFinished(task.user) }
        var userLogger = logger
        userLogger[metadataKey: "user"] = "\(task.user)"
        do {
            let store = try UserStore(layout: task.layout, user: task.user, mode: .readWrite)
            let source = try await task.makeSource()
            do {
                let backup = UserBackup(
                    store: store, source: source, sourceDescription: task.sourceDescription, selection: selection,
                    logger: userLogger, progress: progress)
                report.totals = try await backup.run()
            } catch {
                await source.close()
                throw error
            }
            await source.close()
        } catch {
            report.failure = "\(error)"
            userLogger.error("backup failed: \(error)")
        }
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
