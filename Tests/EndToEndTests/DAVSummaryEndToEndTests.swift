import BrickTestSupport
import Foundation
import Testing

/// The built `brick-backup --dav` against a real Radicale: the end summary counts
/// calendar and contact changes apart from mail, by kind.
@Suite(.serialized, .enabled(if: DAVTestServer.shouldRun(.radicale))) struct DAVSummaryEndToEndTests {
    @Test func theSummaryCountsEventsAndContactsByKind() async throws {
        try await withDAVServer(.radicale) { server in
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("brick-dav-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            let event = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//e2e//EN\r\nBEGIN:VEVENT\r\nUID:e2e-1\r\nDTSTAMP:20260101T000000Z\r\n"
                + "DTSTART:20260301T100000Z\r\nSUMMARY:Planning\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:e2e-card\r\nFN:Dora Example\r\nEMAIL:dora@example.org\r\nEND:VCARD\r\n"
            try put(server.baseURL + "alice/calendar/e1.ics", event, type: "text/calendar", in: work)
            try put(server.baseURL + "alice/contacts/dora.vcf", card, type: "text/vcard", in: work)
            let password = work.appendingPathComponent("dav.pass")
            try Data("pass-alice".utf8).write(to: password)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: password.path)
            let store = work.appendingPathComponent("store").path
            let args = [
                "backup", "--dav", server.baseURL, "--dav-user", "alice", "--dav-password-file", password.path,
                "--store", store, "-u", "alice", "--progress", "never",
            ]
            let first = try Tools.run("brick-backup", args)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("calendars and contacts of alice: events 1 new; contacts 1 new"), "\(first.stdout)")

            let quiet = try Tools.run("brick-backup", args)
            #expect(quiet.status == 0)
            #expect(!quiet.stdout.contains("calendars and contacts of"), "\(quiet.stdout)")
        }
    }

    @Test func theRunsRowKeepsTheCountsByKindForStatsRunsAndTheReplica() async throws {
        try await withDAVServer(.radicale) { server in
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("brick-dav-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            func event(_ uid: String, _ summary: String) -> String {
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//e2e//EN\r\nBEGIN:VEVENT\r\nUID:\(uid)\r\nDTSTAMP:20260101T000000Z\r\n"
                    + "DTSTART:20260301T100000Z\r\nSUMMARY:\(summary)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            }
            let task = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//e2e//EN\r\nBEGIN:VTODO\r\nUID:e2e-task\r\nDTSTAMP:20260101T000000Z\r\n"
                + "SUMMARY:File the report\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
            let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:e2e-card\r\nFN:Dora Example\r\nEMAIL:dora@example.org\r\nEND:VCARD\r\n"
            try put(server.baseURL + "alice/calendar/e1.ics", event("e2e-1", "Planning"), type: "text/calendar", in: work)
            try put(server.baseURL + "alice/calendar/e2.ics", event("e2e-2", "Review"), type: "text/calendar", in: work)
            try put(server.baseURL + "alice/calendar/t1.ics", task, type: "text/calendar", in: work)
            try put(server.baseURL + "alice/contacts/dora.vcf", card, type: "text/vcard", in: work)
            let password = work.appendingPathComponent("dav.pass")
            try Data("pass-alice".utf8).write(to: password)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: password.path)
            let store = work.appendingPathComponent("store").path
            let args = [
                "backup", "--dav", server.baseURL, "--dav-user", "alice", "--dav-password-file", password.path,
                "--store", store, "-u", "alice", "--progress", "never",
            ]
            #expect(try Tools.run("brick-backup", args).status == 0)
            try put(server.baseURL + "alice/calendar/e1.ics", event("e2e-1", "Planning moved"), type: "text/calendar", in: work)
            try delete(server.baseURL + "alice/contacts/dora.vcf")
            let second = try Tools.run("brick-backup", args)
            #expect(second.status == 0, "\(second.stderr)")

            let expected = [
                ["events_added": 2, "tasks_added": 1, "contacts_added": 1],
                ["events_changed": 1, "contacts_deleted": 1],
            ]
            #expect(try kindCounts(store + "/alice") == expected)
            let stats = try Tools.run("brick-backup", ["stats", store + "/alice"])
            #expect(stats.stdout.contains("of which calendars and contacts: events 1 changed; contacts 1 deleted"), "\(stats.stdout)")
            let table = try Tools.run("brick-backup", ["runs", store + "/alice", "--format", "table"])
            #expect(table.stdout.contains("events 2 new; tasks 1 new; contacts 1 new"), "\(table.stdout)")

            // The counts travel in the bundle and land in the replica's runs rows.
            let bundles = work.appendingPathComponent("bundles").path
            let export = try Tools.run("brick-backup", [
                "export", "--target", "t", "--no-encrypt", "-u", "alice", "--store", store, "--to", bundles, "--progress", "never",
            ])
            #expect(export.status == 0, "\(export.stderr)")
            let replica = work.appendingPathComponent("replica").path
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

    private func delete(_ url: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sf", "-o", "/dev/null", "-u", "alice:pass-alice", "-X", "DELETE", url]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "DELETE \(url)")
    }

    private func put(_ url: String, _ body: String, type: String, in work: URL) throws {
        let file = work.appendingPathComponent(UUID().uuidString)
        try Data(body.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sf", "-o", "/dev/null", "-u", "alice:pass-alice", "-H", "Content-Type: \(type)", "-T", file.path, url]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "PUT \(url)")
    }
}
