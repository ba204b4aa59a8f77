import BrickCore
import BrickMaildir
import BrickStore
@testable import BrickSync
import Foundation
import Glibc
import Logging
import Testing

/// Backups of Maildirs with unreadable folders, links and huge files: nothing is lost
/// in silence, nothing is marked deleted for a transient error, one user's trouble
/// does not stop the others.
@Suite struct MaildirBackupFaultTests {
    let logger = Logger(label: "test")

    func temporaryDirectory() -> URL { syncTestDirectory() }

    func makeMaildir(_ root: URL, folders: [String: [String]]) throws {
        try makeTestMaildir(root, folders: folders)
    }

    func backUp(_ store: UserStore, _ root: URL) async throws -> RunTotals {
        try await UserBackup(
            store: store, source: MaildirSource(root: root), sourceDescription: "maildir", selection: FolderSelection(),
            logger: logger
        ).run()
    }

    @Test func unreadableFolderFailsTheRunButKeepsItsItems() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let maildir = dir.appendingPathComponent("Maildir")
        try makeMaildir(maildir, folders: [".": ["1.a.host"], ".Work": ["2.b.host", "3.c.host"]])
        let store = try UserStore(layout: StoreLayout(root: dir.appendingPathComponent("store"), user: "alice"), user: "alice", mode: .readWrite)
        _ = try await backUp(store, maildir)
        for failing in ["/.Work", "/.Work/cur"] {
            let totals = try await NoFollowDirectory.$injectedFailures.withValue([failing: EACCES]) {
                try await backUp(store, maildir)
            }
            #expect(totals.foldersDeleted == 0 && totals.itemsDeleted == 0)
            #expect(totals.errors.count == 1 && totals.errors[0].hasPrefix("Work: "), "\(totals.errors)")
            #expect(try store.runs().last?.status == "partial")
            let work = try #require(try store.folder(at: FolderPath(["Work"])))
            #expect(try store.presentItems(in: work.id).count == 2)
        }
        let clean = try await backUp(store, maildir)
        #expect(clean.errors.isEmpty && clean.itemsDeleted == 0)
    }

    @Test func skippedEntriesAreCountedAndNamedInTheRun() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let maildir = dir.appendingPathComponent("Maildir")
        try makeMaildir(maildir, folders: [".": ["1.a.host"]])
        try Data("secret".utf8).write(to: dir.appendingPathComponent("victim"))
        #expect(symlink(dir.path + "/victim", maildir.path + "/cur/2.link.host:2,S") == 0)
        #expect(symlink(dir.path, maildir.path + "/.evil") == 0)
        let store = try UserStore(layout: StoreLayout(root: dir.appendingPathComponent("store"), user: "alice"), user: "alice", mode: .readWrite)
        let totals = try await backUp(store, maildir)
        #expect(totals.itemsAdded == 1 && totals.itemsSkipped == 1 && totals.foldersSkipped == 1)
        #expect(totals.errors.contains { $0.contains("cur/2.link.host:2,S") && $0.contains("symbolic link") })
        #expect(totals.errors.contains { $0.contains(".evil") })
        let run = try #require(try store.runs().last)
        #expect(run.status == "partial")
    }

    @Test func oneUsersHugeFileDoesNotStopTheOthers() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var tasks: [UserBackupTask] = []
        for user in ["alice", "bob"] {
            let maildir = dir.appendingPathComponent("mail/\(user)/Maildir")
            try makeMaildir(maildir, folders: [".": ["1.\(user).host"]])
            if user == "alice" {
                let fd = open(maildir.path + "/cur/9.huge.host:2,S", O_WRONLY | O_CREAT, 0o600)
                #expect(ftruncate(fd, 1 << 40) == 0)
                close(fd)
            }
            tasks.append(UserBackupTask(
                user: user, layout: try StoreLayout(root: dir.appendingPathComponent("store"), user: user),
                sourceDescription: "maildir", makeSource: { MaildirSource(root: maildir) }))
        }
        let reports = await BackupJob(tasks: tasks, selection: FolderSelection(), workers: 1, logger: logger, progress: nil).run()
        #expect(reports.map(\.user) == ["alice", "bob"])
        #expect(reports.map(\.totals.itemsAdded) == [1, 1])
        #expect(reports[0].failure == nil && reports[0].totals.itemsSkipped == 1 && !reports[0].succeeded)
        #expect(reports[1].succeeded)
    }
}
