import Foundation
import Testing

/// The built `brick-backup` on the fixture Maildirs: first run, a changed second run,
/// purge, verify and the exit codes of bad input.
@Suite(.serialized) struct BackupEndToEndTests {
    @Test func firstBackupStoresEveryMessageOfEveryUser() throws {
        let work = try Workspace()
        let result = try Tools.run("brick-backup", ["backup", "--source", work.source, "--all-users", "--store", work.store.path, "--progress", "never"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("alice") && result.stdout.contains("bob"))
        for user in ["alice", "bob"] {
            let items = try index(work.store.appendingPathComponent(user))
            #expect(items.count == work.messageFiles(user).count, "\(user)")
            #expect(items.allSatisfy { $0.deleted == nil })
        }
        let verify = try Tools.run("brick-backup", ["verify", work.store.appendingPathComponent("alice").path, "--progress", "never"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func secondBackupRecordsExactlyWhatChanged() throws {
        let work = try Workspace()
        let args = ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]
        #expect(try Tools.run("brick-backup", args).status == 0)
        let aliceStore = work.store.appendingPathComponent("alice")
        let before = try index(aliceStore)
        let inbox = work.maildir("alice")
        let fm = FileManager.default

        // A new message, a flag change (rename), a deletion, a deleted folder.
        let newName = "1800000000.M1P1.e2e"
        try Data("From: new@example.org\r\nSubject: brand new\r\nMessage-ID: <new@e2e>\r\n\r\nhello\r\n".utf8)
            .write(to: inbox.appendingPathComponent("new/\(newName)"))
        let cur = try fm.contentsOfDirectory(atPath: inbox.appendingPathComponent("cur").path).filter { !$0.hasPrefix(".") }.sorted()
        let flagged = try #require(cur.first { $0.hasSuffix(":2,S") })
        try fm.moveItem(atPath: inbox.appendingPathComponent("cur/\(flagged)").path,
                        toPath: inbox.appendingPathComponent("cur/\(flagged.dropLast(4)):2,FS").path)
        let removed = try #require(cur.first { $0 != flagged })
        try fm.removeItem(at: inbox.appendingPathComponent("cur/\(removed)"))
        let sentItems = try (fm.contentsOfDirectory(atPath: inbox.appendingPathComponent(".Sent/cur").path)
            + fm.contentsOfDirectory(atPath: inbox.appendingPathComponent(".Sent/new").path)).filter { !$0.hasPrefix(".") }.count
        try fm.removeItem(at: inbox.appendingPathComponent(".Sent"))

        let second = try Tools.run("brick-backup", args)
        #expect(second.status == 0, "\(second.stderr)")
        let after = try index(aliceStore, ["--deleted", "yes"])
        #expect(after.count == before.count + 1)
        let deleted = after.filter { $0.deleted != nil }
        #expect(deleted.count == 1 + sentItems)
        #expect(deleted.contains { $0.key == String(removed.split(separator: ":")[0]) })
        #expect(deleted.filter { $0.folder == "Sent" }.count == sentItems)
        let changed = try #require(after.first { $0.key == String(flagged.split(separator: ":")[0]) })
        #expect(changed.flags.contains("\\Flagged") && changed.flags.contains("\\Seen"))
        #expect(after.contains { $0.key == newName && $0.subject == "brand new" && $0.deleted == nil })

        // A third run with no change changes nothing.
        let third = try Tools.run("brick-backup", args)
        #expect(third.status == 0)
        let afterThird = try index(aliceStore, ["--deleted", "yes"])
        #expect(afterThird.map(\.key).sorted() == after.map(\.key).sorted())

        // Purge removes what was deleted, and the store shrinks.
        let purge = try Tools.run("brick-backup", ["purge", "--older-than", "0", "--store", work.store.path, "-u", "alice"])
        #expect(purge.status == 0, "\(purge.stderr)")
        let afterPurge = try index(aliceStore, ["--deleted", "yes"])
        #expect(afterPurge.count == after.count - deleted.count)
        #expect(afterPurge.allSatisfy { $0.deleted == nil })
        let stats = try Tools.run("brick-backup", ["stats", aliceStore.path])
        #expect(stats.status == 0 && !stats.stdout.contains("Sent"))
    }

    @Test func renamedFolderIsMovedNotCopied() throws {
        let work = try Workspace()
        let args = ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]
        #expect(try Tools.run("brick-backup", args).status == 0)
        let store = work.store.appendingPathComponent("alice")
        let before = try index(store)
        let root = work.maildir("alice")
        // Dovecot renames a Maildir++ folder by renaming its directory, dovecot-uidlist included.
        let folders = try FileManager.default.contentsOfDirectory(atPath: root.path).filter {
            $0.hasPrefix(".") && FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/dovecot-uidlist").path)
        }
        let folder = try #require(folders.first)
        try FileManager.default.moveItem(at: root.appendingPathComponent(folder), to: root.appendingPathComponent(".Renamed"))
        let second = try Tools.run("brick-backup", args)
        #expect(second.status == 0)
        let after = try index(store, ["--deleted", "yes"])
        #expect(after.count == before.count, "items were copied instead of moved")
        #expect(after.allSatisfy { $0.deleted == nil })
        #expect(after.contains { $0.folder == "Renamed" })
    }

    @Test func folderRenamedWithoutUidlistKeepsOneCopyOfEachMessageThroughPurge() throws {
        let work = try Workspace()
        let args = ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]
        #expect(try Tools.run("brick-backup", args).status == 0)
        let store = work.store.appendingPathComponent("alice")
        let before = try index(store)
        let moved = before.filter { $0.folder == "Sent" }
        try #require(!moved.isEmpty)
        // Without dovecot-uidlist nothing tells a rename from a delete plus a new folder.
        let root = work.maildir("alice")
        try? FileManager.default.removeItem(at: root.appendingPathComponent(".Sent/dovecot-uidlist"))
        try FileManager.default.moveItem(at: root.appendingPathComponent(".Sent"), to: root.appendingPathComponent(".Sent Old"))
        #expect(try Tools.run("brick-backup", args).status == 0)
        let after = try index(store, ["--deleted", "yes"])
        #expect(after.count == before.count + moved.count)
        let stats = try Tools.run("brick-backup", ["stats", store.path])
        #expect(stats.stdout.contains("shared: \(moved.count) items"), "\(stats.stdout)")

        let purge = try Tools.run("brick-backup", ["purge", "--older-than", "0", "--store", work.store.path, "-u", "alice"])
        #expect(purge.status == 0, "\(purge.stderr)")
        #expect(try Tools.run("brick-backup", ["verify", store.path, "--progress", "never"]).status == 0)
        let kept = try index(store, ["--deleted", "yes"])
        let keptDigests: [String] = kept.filter { $0.folder == "Sent Old" }.compactMap(\.sha256).sorted()
        let movedDigests: [String] = moved.compactMap(\.sha256).sorted()
        #expect(keptDigests == movedDigests && keptDigests.count == moved.count)
        #expect(!(try Tools.run("brick-backup", ["stats", store.path]).stdout.contains("shared:")))
        let eml = work.url.appendingPathComponent("eml")
        let restore = try Tools.run("brick-restore", [store.path, "--folder", "Sent Old", "--to", "eml:\(eml.path)", "--progress", "never"])
        #expect(restore.status == 0 && restore.stdout.hasPrefix("restored \(moved.count),"), "\(restore.stdout)\(restore.stderr)")
    }

    @Test func verifyExitsFourOnADamagedItem() throws {
        let work = try Workspace()
        #expect(try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "bob", "--store", work.store.path]).status == 0)
        let store = work.store.appendingPathComponent("bob")
        try Corruption.damageOneValue(in: store)
        let verify = try Tools.run("brick-backup", ["verify", store.path, "--progress", "never"])
        #expect(verify.status == 4, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("damaged"))
    }

    @Test func badInputGetsOneClearLineAndExitTwo() throws {
        let work = try Workspace()
        let cases: [[String]] = [
            ["backup", "--source", "ftp://x", "-u", "alice", "--store", work.store.path],
            ["backup", "--source", work.source, "-u", "nosuchuser", "--store", work.store.path],
            ["backup", "--source", work.source, "--store", work.store.path],
            ["index", work.store.appendingPathComponent("nobody").path],
            ["backup", "--source", "maildir:/nonexistent/{user}", "-u", "alice", "--store", work.store.path],
        ]
        for arguments in cases {
            let result = try Tools.run("brick-backup", arguments)
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
        #expect(try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path]).status == 0)
        let badDate = try Tools.run("brick-backup", ["index", work.store.appendingPathComponent("alice").path, "--period-begin", "2025-13-01"])
        #expect(badDate.status == 2 && badDate.stderr.contains("2025-13-01"))
    }

    @Test func lockedStoreIsReportedWithTheHoldersPID() throws {
        let work = try Workspace()
        #expect(try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path]).status == 0)
        let holder = try StoreLockHolder(userDirectory: work.store.appendingPathComponent("alice"))
        let result = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"])
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect((result.stdout + result.stderr).contains("\(getpid())"))
        // Readers are not blocked by a writer.
        #expect(try index(work.store.appendingPathComponent("alice")).count > 0)
        _ = holder
    }
}
