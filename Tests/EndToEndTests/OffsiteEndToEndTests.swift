import BrickStore
import Foundation
import Testing

/// Off-site copies through the built executables: export after each backup, import
/// into an empty replica, and the replica equals the primary row for row and byte for
/// byte (docs/DESIGN.md, "Off-site copies").
@Suite(.serialized) struct OffsiteEndToEndTests {
    @Test func everyBundleImportedIntoAnEmptyReplicaGivesThePrimaryRowForRowAndByteForByte() throws {
        let site = try OffsiteWorkspace.primaryWithFourExports()
        #expect(try site.bundleFiles("alice").count == 4)
        let result = try site.importing([site.bundles.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        for user in ["alice", "bob"] {
            let differences = try site.differences(user)
            #expect(differences.isEmpty, "\(user): \(differences.joined(separator: "\n"))")
            let verify = try Tools.run("brick-backup", ["verify", site.replica.appendingPathComponent(user).path, "--progress", "never"])
            #expect(verify.status == 0 && verify.stdout.contains("0 orphans"), "\(verify.stdout)\(verify.stderr)")
        }
        // The moved folder's items came along, and the purged folder is gone.
        let items = try index(site.replica.appendingPathComponent("alice"), ["--deleted", "yes"])
        #expect(items.contains { $0.folder == "Projects/Q1" })
        #expect(!items.contains { $0.folder == "Drafts" })
        #expect(items.contains { $0.subject == "third change" })
        // brick-restore reads the replica like any store.
        let eml = site.work.url.appendingPathComponent("eml")
        let restore = try Tools.run("brick-restore", [site.replica.appendingPathComponent("alice").path, "--to", "eml:\(eml.path)", "--progress", "never"])
        let present = items.filter { $0.deleted == nil }.count
        #expect(restore.status == 0 && restore.stdout.hasPrefix("restored \(present),"), "\(restore.stdout)\(restore.stderr)")
        // Importing again applies nothing.
        let again = try site.importing([site.bundles.path])
        let statuses = again.stdout.split(separator: "\n").dropFirst().map { $0.hasSuffix("already applied") }
        #expect(again.status == 0 && statuses.count == 8 && statuses.allSatisfy { $0 }, "\(again.stdout)")
        #expect(try site.differences("alice").isEmpty)
    }

    @Test func bundlesOneByOneLeaveTheReplicaEqualToThePrimaryOfEachPoint() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        try site.export()
        let replica = site.replica
        #expect(try site.importing([site.bundles.path]).status == 0)
        #expect(try site.differences("alice").isEmpty)
        let inbox = try mail.messages()
        try mail.remove(inbox[0])
        try mail.renameFolder(".Sent", ".Archive.Sent")
        try site.backup()
        try site.purge()
        try site.export()
        let result = try site.importing([try site.bundleFiles("alice")[1].path], into: replica)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let differences = try site.differences("alice")
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    @Test func aGapASwappedOrderAndAnotherStoresBundleAreRefusedAndTheReplicaIsUnchanged() throws {
        let site = try OffsiteWorkspace.chainOfThree(tag: "gap")
        let files = try site.bundleFiles("alice").map(\.path)
        #expect(try site.importing([files[0]]).status == 0)
        let replicaStore = site.replica.appendingPathComponent("alice")
        let before = try StoreComparison.Snapshot(replicaStore)

        let gap = try site.importing([files[2]])
        #expect(gap.status == 4, "\(gap.stdout)\(gap.stderr)")
        let gapLines = gap.stderr.split(separator: "\n")
        #expect(gapLines.count == 1 && gapLines[0].contains("alice") && gapLines[0].contains("sequence 2"), "\(gap.stderr)")
        #expect(try StoreComparison.Snapshot(replicaStore) == before)

        let swapped = try site.importing([files[2], files[1]])
        #expect(swapped.status == 4, "\(swapped.stdout)\(swapped.stderr)")
        #expect(try StoreComparison.Snapshot(replicaStore) == before)

        // A store of the same user elsewhere: its bundles name another store id.
        let other = try Workspace()
        let otherSite = OffsiteWorkspace(work: other)
        try otherSite.backup()
        try otherSite.export()
        let foreign = try site.importing([try otherSite.bundleFiles("alice")[0].path])
        #expect(foreign.status == 4 && foreign.stderr.contains("comes from store"), "\(foreign.stderr)")
        #expect(try StoreComparison.Snapshot(replicaStore) == before)

        // The right order then applies.
        #expect(try site.importing([files[1], files[2]]).status == 0)
        #expect(try site.differences("alice").isEmpty)
    }

    @Test func aFlippedByteIsRefusedAndAnAppliedBundleIsANoOp() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        try site.export()
        try mail.addMessage(name: "1800000001.M1P1.flip", subject: "flipped")
        try site.backup()
        try site.export()
        let files = try site.bundleFiles("alice")
        #expect(try site.importing([files[0].path]).status == 0)
        let replicaStore = site.replica.appendingPathComponent("alice")
        let before = try StoreComparison.Snapshot(replicaStore)

        var bytes = try Data(contentsOf: files[1])
        let middle = bytes.count / 2
        bytes[middle] ^= 0x01
        let damaged = site.work.url.appendingPathComponent("damaged.bundle")
        try bytes.write(to: damaged)
        let refused = try site.importing([damaged.path])
        #expect(refused.status == 4, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("damaged"), "\(refused.stderr)")
        #expect(try StoreComparison.Snapshot(replicaStore) == before)

        let again = try site.importing([files[0].path])
        #expect(again.status == 0 && again.stdout.contains("already applied"), "\(again.stdout)")
        #expect(try StoreComparison.Snapshot(replicaStore) == before)
        #expect(try site.importing([files[1].path]).status == 0)
        #expect(try site.differences("alice").isEmpty)
    }

    @Test func anExportStreamedThroughAPipeBuildsTheReplica() throws {
        let site = try OffsiteWorkspace.primaryWithFourExports()
        let binary = Tools.binDirectory.appendingPathComponent("brick-backup").path
        let replica = site.work.url.appendingPathComponent("piped")
        let script = "'\(binary)' export --target piped --to - --store '\(site.work.store.path)' --progress never --no-encrypt "
            + "| '\(binary)' import - --store '\(replica.path)' --progress never"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-o", "pipefail", "-c", script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        for user in ["alice", "bob"] {
            let differences = try site.differences(user, replica: replica)
            #expect(differences.isEmpty, "\(user): \(differences.joined(separator: "\n"))")
        }
    }

    @Test func aBundleWrittenByAnExportKilledBeforeItsCursorMovedIsKeptNotRewritten() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        try site.export(["-u", "alice"])
        let catalog = site.work.store.appendingPathComponent("alice/catalog.sqlite").path
        let cursor = try sqlite(catalog, "SELECT last_sequence, last_run, hex(last_digest), last_exported_at FROM export_targets")
        try mail.addMessage(name: "1800000001.M1P1.kept", subject: "kept")
        try site.backup()
        try site.export(["-u", "alice"])
        let second = try Data(contentsOf: try site.bundleFiles("alice")[1])
        // As if the export had been killed between the rename and the cursor's update.
        let fields = cursor.split(separator: "|").map(String.init)
        _ = try sqlite(catalog, "UPDATE export_targets SET last_sequence = \(fields[0]), last_run = \(fields[1]), last_digest = x'\(fields[2])'")
        try mail.addMessage(name: "1800000002.M1P1.kept", subject: "after")
        try site.backup()
        let third = try site.export(["-u", "alice"])
        #expect(third.stderr.contains("kept as it was"), "\(third.stderr)")
        let files = try site.bundleFiles("alice")
        let kept = try Data(contentsOf: files[1])
        #expect(files.count == 3 && kept == second)
        #expect(try site.importing([site.bundles.path]).status == 0)
        #expect(try site.differences("alice").isEmpty)
    }

    private func sqlite(_ database: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, sql]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aPromotedReplicaBacksUpOnlyWhatChangedUpstream() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        try site.export()
        #expect(try site.importing([site.bundles.path]).status == 0)
        // The primary is gone; mail goes on arriving upstream.
        try mail.addMessage(name: "1800000009.M9P1.promoted", subject: "after the disaster")
        let backup = try Tools.run(
            "brick-backup", ["backup", "--source", site.work.source, "-u", "alice", "--store", site.replica.path, "--progress", "never"])
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        let store = try UserStore(layout: StoreLayout(userDirectory: site.replica.appendingPathComponent("alice")), mode: .readOnly)
        let last = try #require(try store.runs().last)
        #expect(last.kind == "backup" && last.itemsAdded == 1 && last.itemsUpdated == 0 && last.itemsDeleted == 0)
        let verify = try Tools.run("brick-backup", ["verify", site.replica.appendingPathComponent("alice").path, "--progress", "never"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }
}

extension StoreComparison.Snapshot: Equatable {
    static func == (left: Self, right: Self) -> Bool { left.tables == right.tables && left.values == right.values }
}

/// A message above 16 MiB is stored in segment records (body kind 2): it travels in a
/// bundle as one value record and is cut into segments again on the replica.
@Suite struct OffsiteLargeMessageTests {
    @Test func aSegmentedValueArrivesWholeOnTheReplica() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let file = site.work.maildir("alice").appendingPathComponent("cur/1800000009.M9P9.large:2,S")
        var message = Array("From: big@example.org\r\nSubject: twenty megabytes\r\nMessage-ID: <large@e2e>\r\n\r\n".utf8)
        var state: UInt32 = 12345
        while message.count < 20 << 20 {
            state = state &* 1_664_525 &+ 1_013_904_223
            message += message.count % 3 == 0 ? Array("a line of text that repeats\r\n".utf8) : [UInt8(truncatingIfNeeded: state >> 24)]
        }
        try Data(message).write(to: file)
        try site.backup()
        try site.export()
        #expect(try site.importing([site.bundles.path]).status == 0)
        #expect(try site.differences("alice").isEmpty)
        let verify = try Tools.run("brick-backup", ["verify", site.replica.appendingPathComponent("alice").path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let out = site.work.url.appendingPathComponent("restored")
        let restore = try Tools.run("brick-restore", [
            site.replica.appendingPathComponent("alice").path, "--sender", "big@example.org", "--to", "eml:\(out.path)", "--progress", "never",
        ])
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        let restored = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".eml") }
        try #require(restored.count == 1)
        #expect(try Data(contentsOf: out.appendingPathComponent(restored[0])) == Data(message))
    }
}
