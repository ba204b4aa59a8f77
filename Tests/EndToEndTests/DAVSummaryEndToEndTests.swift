import BrickTestSupport
import Foundation
import Testing

/// The built `brick-backup --dav` against a real Radicale: the end summary counts
/// calendar and contact changes apart from mail, by kind.
@Suite(.serialized, .enabled(if: DAVTestServer.shouldRun(.radicale))) struct DAVSummaryEndToEndTests {
    @Test func theSummaryCountsEventsAndContactsByKind() async throws {
        try await withAliceOnRadicale { alice in
            try alice.put("calendar/e1.ics", Self.event("e2e-1", "Planning"))
            try alice.put("contacts/dora.vcf", Self.card)
            let first = try Tools.run("brick-backup", alice.backup)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("calendars and contacts of alice: events 1 new; contacts 1 new"), "\(first.stdout)")

            let quiet = try Tools.run("brick-backup", alice.backup)
            #expect(quiet.status == 0)
            #expect(!quiet.stdout.contains("calendars and contacts of"), "\(quiet.stdout)")
        }
    }

    @Test func theRunsRowKeepsTheCountsByKindForStatsRunsAndTheReplica() async throws {
        try await withAliceOnRadicale { alice in
            let task = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//e2e//EN\r\nBEGIN:VTODO\r\nUID:e2e-task\r\nDTSTAMP:20260101T000000Z\r\n"
                + "SUMMARY:File the report\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
            try alice.put("calendar/e1.ics", Self.event("e2e-1", "Planning"))
            try alice.put("calendar/e2.ics", Self.event("e2e-2", "Review"))
            try alice.put("calendar/t1.ics", task)
            try alice.put("contacts/dora.vcf", Self.card)
            #expect(try Tools.run("brick-backup", alice.backup).status == 0)
            try alice.put("calendar/e1.ics", Self.event("e2e-1", "Planning moved"))
            try alice.delete("contacts/dora.vcf")
            let second = try Tools.run("brick-backup", alice.backup)
            #expect(second.status == 0, "\(second.stderr)")

            let expected = [
                ["events_added": 2, "tasks_added": 1, "contacts_added": 1],
                ["events_changed": 1, "contacts_deleted": 1],
            ]
            let store = alice.store.path
            #expect(try kindCounts(store + "/alice") == expected)
            let stats = try Tools.run("brick-backup", ["stats", store + "/alice"])
            #expect(stats.stdout.contains("of which calendars and contacts: events 1 changed; contacts 1 deleted"), "\(stats.stdout)")
            let table = try Tools.run("brick-backup", ["runs", store + "/alice", "--format", "table"])
            #expect(table.stdout.contains("events 2 new; tasks 1 new; contacts 1 new"), "\(table.stdout)")

            // The counts travel in the bundle and land in the replica's runs rows.
            let bundles = alice.work.appendingPathComponent("bundles").path
            let export = try Tools.run("brick-backup", [
                "export", "--target", "t", "--no-encrypt", "-u", "alice", "--store", store, "--to", bundles, "--progress", "never",
            ])
            #expect(export.status == 0, "\(export.stderr)")
            let replica = alice.work.appendingPathComponent("replica").path
            let imported = try Tools.run("brick-backup", ["import", bundles, "--store", replica, "--progress", "never"])
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(try kindCounts(replica + "/alice") == expected)
        }
    }

    /// The non-zero per-kind counts of each run in `runs --format json`.
    private func kindCounts(_ userDirectory: String) throws -> [[String: Int]] {
        let listed = try Tools.run("brick-backup", ["runs", userDirectory, "--format", "json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let runs = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        let names = ["events", "tasks", "journals", "contacts", "dav_other"].flatMap { ["\($0)_added", "\($0)_changed", "\($0)_deleted"] }
        return runs.map { run in
            Dictionary(uniqueKeysWithValues: names.compactMap { name in (run[name] as? Int).flatMap { $0 > 0 ? (name, $0) : nil } })
        }
    }

    /// An event of one VEVENT with `uid` and `summary`.
    static func event(_ uid: String, _ summary: String) -> String {
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//e2e//EN\r\nBEGIN:VEVENT\r\nUID:\(uid)\r\nDTSTAMP:20260101T000000Z\r\n"
            + "DTSTART:20260301T100000Z\r\nSUMMARY:\(summary)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    }

    /// A contact with one address.
    static let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:e2e-card\r\nFN:Dora Example\r\nEMAIL:dora@example.org\r\nEND:VCARD\r\n"

    /// Alice's collections on a throwaway Radicale, a work directory with her DAV
    /// password file, and the arguments of her backup into a store there.
    struct AliceOnRadicale {
        let server: DAVTestServer
        let work: URL
        var store: URL { work.appendingPathComponent("store") }

        var backup: [String] {
            [
                "backup", "--dav", server.baseURL, "--dav-user", "alice", "--dav-password-file",
                work.appendingPathComponent("dav.pass").path, "--store", store.path, "-u", "alice", "--progress", "never",
            ]
        }

        /// Stores `body` at `path` under alice's home (its type from the extension).
        func put(_ path: String, _ body: String) throws {
            let file = work.appendingPathComponent(UUID().uuidString)
            try Data(body.utf8).write(to: file)
            let type = path.hasSuffix(".vcf") ? "text/vcard" : "text/calendar"
            let put = try Tools.runProgram("/usr/bin/curl", [
                "-sf", "-o", "/dev/null", "-u", "alice:pass-alice", "-H", "Content-Type: \(type)", "-T", file.path, server.baseURL + "alice/" + path,
            ])
            #expect(put.status == 0, "PUT \(path): \(put.stderr)")
        }

        /// Deletes the item at `path` under alice's home.
        func delete(_ path: String) throws {
            let deleted = try Tools.runProgram("/usr/bin/curl", [
                "-sf", "-o", "/dev/null", "-u", "alice:pass-alice", "-X", "DELETE", server.baseURL + "alice/" + path,
            ])
            #expect(deleted.status == 0, "DELETE \(path): \(deleted.stderr)")
        }
    }

    /// Runs `body` with a fresh Radicale and alice's work directory, removed after.
    private func withAliceOnRadicale(_ body: (AliceOnRadicale) throws -> Void) async throws {
        try await withDAVServer(.radicale) { server in
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("brick-dav-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            let password = work.appendingPathComponent("dav.pass")
            try Data("pass-alice".utf8).write(to: password)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: password.path)
            try body(AliceOnRadicale(server: server, work: work))
        }
    }
}
