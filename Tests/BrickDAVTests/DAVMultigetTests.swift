@testable import BrickDAV
import BrickCore
import BrickStore
import BrickSync
import BrickTestSupport
import Foundation
import Testing

/// Bodies fetched by calendar-multiget / addressbook-multiget: batch boundaries on a
/// real Radicale, and what a scripted server can answer (404 inside the multistatus,
/// resources left out, multiget refused). Every check compares the stored bytes
/// with what a GET of the same resource serves.
@Suite struct DAVMultigetTests {
    typealias T = DAVTestSupport

    private static func multistatus(_ inner: String) -> [UInt8] {
        Array("<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\">\(inner)</d:multistatus>".utf8)
    }

    private static func event(_ uid: String, _ summary: String) -> String {
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:\(uid)\r\nDTSTAMP:20260101T000000Z\r\n"
            + "DTSTART:20260301T100000Z\r\nSUMMARY:\(summary)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    }

    /// A server with one calendar `/u/cal/` listing a.ics, b.ics and c.ics; the
    /// first REPORT is the sync-collection, later ones are multigets answered by
    /// `multiget`.
    private static func server(multiget: @escaping @Sendable () -> (Int, [UInt8])) throws -> ScriptedHTTPServer {
        let reports = NSLock()
        nonisolated(unsafe) var reportCount = 0
        return try ScriptedHTTPServer { method, path in
            if method == "PROPFIND" && path == "/" {
                return (207, multistatus("<d:response><d:href>/</d:href><d:propstat><d:prop><c:calendar-home-set><d:href>/u/</d:href></c:calendar-home-set></d:prop></d:propstat></d:response>"))
            }
            if method == "PROPFIND" && path == "/u/" {
                return (207, multistatus("<d:response><d:href>/u/cal/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype><d:displayname>Cal</d:displayname></d:prop></d:propstat></d:response>"))
            }
            if method == "REPORT" {
                let first = reports.withLock {
                    reportCount += 1
                    return reportCount == 1
                }
                if !first { return multiget() }
                let members = ["a", "b", "c"].map {
                    "<d:response><d:href>/u/cal/\($0).ics</d:href><d:propstat><d:prop><d:getetag>\"\($0)1\"</d:getetag></d:prop></d:propstat></d:response>"
                }
                return (207, multistatus(members.joined() + "<d:sync-token>t1</d:sync-token>"))
            }
            if method == "GET", let name = path.split(separator: "/").last, name.hasSuffix(".ics") {
                return (200, Array(event(String(name.dropLast(4)), "by GET").utf8))
            }
            return (404, [])
        }
    }

    private func storedItems(_ store: UserStore) throws -> [String: [UInt8]] {
        var items: [String: [UInt8]] = [:]
        try store.forEachItem(matching: ItemQuery()) { items[$0.key.rawValue] = try store.readItem($0).raw }
        return items
    }

    @Test func aMultigetKeepsCarriageReturnsAndSendsWhatItLeavesOutToGet() async throws {
        // a.ics in raw CR LF with escaped markup, b.ics gone (404), c.ics left out.
        let a = Self.event("a", "Budget & <plans> – Q2")
        let escaped = a.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        let answer = Self.multistatus(
            "<d:response><d:href>/u/cal/a.ics</d:href><d:propstat><d:prop><d:getetag>\"a2\"</d:getetag>"
                + "<c:calendar-data>\(escaped)</c:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
                + "<d:response><d:href>/u/cal/b.ics</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>")
        let server = try Self.server { (207, answer) }
        let dir = T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try UserStore(layout: StoreLayout(root: dir, user: "u"), user: "u", mode: .readWrite)
        let totals = try await T.backUp(store, DAVSource(client: try T.client(server.url, user: "u", password: nil)))

        #expect(totals.itemsAdded == 2 && totals.errors.isEmpty)
        #expect(try storedItems(store) == ["a.ics": Array(a.utf8), "c.ics": Array(Self.event("c", "by GET").utf8)])
        #expect(server.requests.filter { $0.hasPrefix("GET") } == ["GET /u/cal/c.ics"])
        #expect(try store.folder(at: FolderPath(["Calendars", "Cal"]))?.syncToken == "sync:t1")
    }

    @Test func aServerRefusingMultigetIsReadByGetAlone() async throws {
        let server = try Self.server { (501, []) }
        let dir = T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try UserStore(layout: StoreLayout(root: dir, user: "u"), user: "u", mode: .readWrite)
        let totals = try await T.backUp(store, DAVSource(client: try T.client(server.url, user: "u", password: nil), batchBytes: 1 << 20, multigetSize: 2))

        #expect(totals.itemsAdded == 3 && totals.errors.isEmpty)
        #expect(try storedItems(store).keys.sorted() == ["a.ics", "b.ics", "c.ics"])
        // One refused multiget (of a and b); c, in the next batch, goes straight to GET.
        #expect(server.requests.filter { $0.hasPrefix("REPORT") }.count == 2)
        #expect(server.requests.filter { $0.hasPrefix("GET") }.count == 3)
    }

    @Test(.enabled(if: DAVTestServer.shouldRun(.radicale))) func batchesOfMultigetBringEveryResourceAsGetServesIt() async throws {
        try await withDAVServer(.radicale) { try await batches($0) }
    }

    private func batches(_ server: DAVTestServer) async throws {
        let alice = try T.client(server.baseURL, user: "alice", password: "pass-alice")
        var paths: [String] = []
        for index in 1...6 {
            paths.append("/alice/calendar/e\(index).ics")
            try await T.put(alice, paths.last!, Array(Self.event("e\(index)@example.org", "Sitzung & <Ausschuss> Nr. \(index) – Grüße").utf8))
        }
        for (name, fixture) in [("dora", "contact-dora.vcf"), ("emil", "contact-emil.vcf")] {
            paths.append("/alice/contacts/\(name).vcf")
            try await T.put(alice, paths.last!, try T.fixture(fixture))
        }

        let dir = T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try UserStore(layout: StoreLayout(root: dir, user: "alice"), user: "alice", mode: .readWrite)
        let reader = try T.client(server.baseURL, user: "alice", password: "pass-alice")
        let totals = try await T.backUp(store, DAVSource(client: reader, batchBytes: 4 << 20, multigetSize: 2))
        #expect(totals.itemsAdded == 8 && totals.errors.isEmpty)
        // Two sync-collections, three calendar multigets of two, one address book multiget.
        let counts = await reader.requestCounts
        #expect(counts["REPORT"] == 6 && counts["GET"] == nil)

        var served: [String: [UInt8]] = [:]
        for path in paths { served[String(path.split(separator: "/").last!)] = try await T.get(alice, path) }
        #expect(try storedItems(store) == served)
        #expect(served.values.allSatisfy { $0.contains(13) })
    }
}
