import BrickCore
import BrickStore
@testable import BrickSync
import Foundation
import Logging
import Testing

/// A source whose folder listing never answers until it is aborted, as a hung server.
private final class HangingSource: MailSource, @unchecked Sendable {
    private let lock = NSLock()
    private var waiter: CheckedContinuation<Void, Never>?
    private var aborted = false

    func listFolders() async throws -> [SourceFolder] {
        await withCheckedContinuation { continuation in
            let resumeNow = lock.withLock { () -> Bool in
                if aborted { return true }
                waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        throw CancellationError()
    }

    func synchronize(_ folder: SourceFolder, from state: FolderSyncState, into sink: any ChangeSink) async throws {}
    func close() async {}

    func abort() async {
        let waiting = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            aborted = true
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume()
    }

    var wasAborted: Bool { lock.withLock { aborted } }
}

/// The users a job made a task for, in order.
private final class MadeTasks: @unchecked Sendable {
    private let lock = NSLock()
    private var made: [String] = []

    func add(_ user: String) { lock.withLock { made.append(user) } }
    var users: [String] { lock.withLock { made } }
}

@Suite struct BackupJobFailureTests {
    private func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("brick-job-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aHungUserIsAbortedAtItsDeadlineAndTheOthersGoOn() async throws {
        let root = try directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let hanging = HangingSource()
        let working = ScriptedSource()
        working.set(.inbox, items: ["a": .none])
        let tasks = [
            UserBackupTask(user: "hung", layout: try StoreLayout(root: root, user: "hung"), sourceDescription: "hanging",
                           makeSource: { hanging }),
            UserBackupTask(user: "fine", layout: try StoreLayout(root: root, user: "fine"), sourceDescription: "scripted",
                           makeSource: { working }),
        ]
        let reports = await BackupJob(tasks: tasks, selection: FolderSelection(), workers: 2, logger: Logger(label: "test"),
                                      progress: nil, userTimeout: 0.2).run()
        guard case .timedOut? = reports[0].failure else {
            Issue.record("expected a deadline failure, got \(String(describing: reports[0].failure))")
            return
        }
        #expect(hanging.wasAborted)
        #expect(reports[1].succeeded && reports[1].totals.itemsAdded == 1)
        let store = try UserStore(layout: StoreLayout(root: root, user: "hung"), user: "hung", mode: .readOnly)
        #expect(try store.runs().map(\.status) == ["failed"])
    }

    @Test func aLockedStoreIsAFailureOfKindStoreLocked() async throws {
        let root = try directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let layout = try StoreLayout(root: root, user: "alice")
        let holder = try UserStore(layout: layout, user: "alice", mode: .readWrite)
        let reports = await BackupJob(
            tasks: [UserBackupTask(user: "alice", layout: layout, sourceDescription: "scripted", makeSource: { ScriptedSource() })],
            selection: FolderSelection(), workers: 1, logger: Logger(label: "test"), progress: nil).run()
        #expect(reports[0].failure?.isStoreLocked == true)
        withExtendedLifetime(holder) {}
    }

    @Test func skippedItemsAndFailedFoldersAreCountedInTheRun() async throws {
        let root = try directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try UserStore(layout: StoreLayout(root: root, user: "alice"), user: "alice", mode: .readWrite)
        let source = ScriptedSource()
        source.set(.inbox, items: ["a": .none])
        source.set(FolderPath(["Broken"]), failure: StoreError.readOnly(user: "alice"))
        source.skip(ItemKey("gone"), in: .inbox, reason: "FETCH returned no body")
        let totals = try await UserBackup(store: store, source: source, sourceDescription: "scripted", selection: FolderSelection(),
                                          logger: Logger(label: "test")).run()
        #expect(totals.itemsSkipped == 1 && totals.foldersSkipped == 1)
        let run = try #require(try store.runs().last)
        #expect(run.status == "partial" && run.itemsSkipped == 1 && run.foldersSkipped == 1)
        #expect(run.errors?.contains("item gone skipped: FETCH returned no body") == true)
    }
    @Test func aUserWhoseTaskCannotBeMadeFailsAloneAndTheOthersAreBackedUp() async throws {
        let root = try directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let made = MadeTasks()
        let job = BackupJob(
            users: ["alice", "broken", "bob"], selection: FolderSelection(), workers: 1, logger: Logger(label: "test"), progress: nil
        ) { user in
            made.add(user)
            if user == "broken" { throw StoreError.readOnly(user: user) }
            let source = ScriptedSource()
            source.set(.inbox, items: ["a": .none])
            return UserBackupTask(user: user, layout: try StoreLayout(root: root, user: user), sourceDescription: "scripted",
                                  makeSource: { source })
        }
        let reports = await job.run()
        #expect(reports.map(\.user) == ["alice", "broken", "bob"])
        #expect(reports[0].succeeded && reports[0].totals.itemsAdded == 1)
        #expect(reports[2].succeeded && reports[2].totals.itemsAdded == 1)
        guard case .failed? = reports[1].failure else {
            Issue.record("expected the task's error, got \(String(describing: reports[1].failure))")
            return
        }
        // Once to find the store's size for the order, once when the user's turn came.
        #expect(made.users.sorted() == ["alice", "alice", "bob", "bob", "broken", "broken"])
    }
}
