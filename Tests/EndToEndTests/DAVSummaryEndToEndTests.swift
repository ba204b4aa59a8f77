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
