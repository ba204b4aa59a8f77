@testable import BrickDAV
import BrickCore
import BrickMaildir
import BrickStore
import BrickSync
import BrickTestSupport
import Foundation
import Testing

/// What a DAV server can send that a backup must survive: answers that are not XML,
/// a multistatus cut off, resources that are not iCalendar, a server that is down
/// beside a working mail source, and a 20 MB contact photo.
@Suite struct DAVBadInputTests {
    typealias T = DAVTestSupport

    private static func multistatus(_ inner: String) -> [UInt8] {
        Array("<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\">\(inner)</d:multistatus>".utf8)
    }

    /// Discovery answers of a server with one calendar `/u/cal/`.
    private static func discovery(_ method: String, _ path: String) -> (status: Int, body: [UInt8])? {
        if method == "PROPFIND" && path == "/" {
            return (207, multistatus("<d:response><d:href>/</d:href><d:propstat><d:prop><c:calendar-home-set><d:href>/u/</d:href></c:calendar-home-set></d:prop></d:propstat></d:response>"))
        }
        if method == "PROPFIND" && path == "/u/" {
            return (207, multistatus("<d:response><d:href>/u/cal/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype><d:displayname>Cal</d:displayname></d:prop></d:propstat></d:response>"))
        }
        return nil
    }

    private func makeStore(_ dir: URL) throws -> UserStore {
        try UserStore(layout: StoreLayout(root: dir, user: "u"), user: "u", mode: .readWrite)
    }

    @Test func aResourceThatIsNotICalendarIsKeptByteForByteAndReported() async throws {
        let garbage: [UInt8] = Array("BEGIN:VCALENDAR\r\nthis is\u{0} not\r iCalendar\n".utf8) + [0xFF, 0xFE]
        let server = try ScriptedHTTPServer { method, path in
            if let answer = Self.discovery(method, path) { return answer }
            if method == "REPORT" {
                return (207, Self.multistatus("<d:response><d:href>/u/cal/bad.ics</d:href><d:propstat><d:prop><d:getetag>\"e1\"</d:getetag></d:prop></d:propstat></d:response><d:sync-token>t1</d:sync-token>"))
            }
            return method == "GET" && path == "/u/cal/bad.ics" ? (200, garbage) : (404, [])
        }
        let dir = T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try makeStore(dir)
        let totals = try await T.backUp(store, DAVSource(client: try T.client(server.url, user: "u", password: nil)))
        #expect(totals.itemsAdded == 1 && totals.errors.isEmpty)
        #expect(totals.notes.contains { $0.contains("bad.ics") && $0.contains("not valid") })
        var raw: [UInt8] = []
        var kind: String?
        try store.forEachItem(matching: ItemQuery()) { item in
            raw = try store.readItem(item).raw
            kind = item.kind
        }
        #expect(raw == garbage && kind == "other")
    }

    @Test func aTruncatedMultistatusFailsTheFolderAndKeepsItsToken() async throws {
        let server = try ScriptedHTTPServer { method, path in
            if let answer = Self.discovery(method, path) { return answer }
            return (207, Array("<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>/u/cal/a.ics</d:href><d:propstat>".utf8))
        }
        let dir = T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try makeStore(dir)
        let totals = try await T.backUp(store, DAVSource(client: try T.client(server.url, user: "u", password: nil)))
        #expect(totals.itemsAdded == 0 && totals.foldersSkipped == 1)
        #expect(totals.errors.contains { $0.contains("Calendars/Cal") && $0.contains("unreadable answer") })
        #expect(try store.folder(at: FolderPath(["Calendars", "Cal"]))?.syncToken == nil)
        #expect(try store.runs().last?.status == "partial")
    }

    @Test func anAnswerThatIsNotXMLFailsDiscoveryWithItsReason() async throws {
        let server = try ScriptedHTTPServer { _, _ in (207, Array("Internal error: the database is gone".utf8)) }
        let source = DAVSource(client: try T.client(server.url, user: "u", password: nil))
        await #expect(throws: DAVError.self) { try await source.listFolders() }
        do {
            _ = try await source.listFolders()
        } catch let error as DAVError {
            guard case .malformedResponse(let href, _) = error else { Issue.record("\(error)"); return }
            #expect(href == "/")
        }
    }

    @Test func aDAVServerThatIsDownMakesTheUserPartialAndKeepsItsCalendars() async throws {
        let dir = T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try makeStore(dir)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let maildir = root.appendingPathComponent("Fixtures/maildir/alice/Maildir")
        var working: ScriptedHTTPServer? = try ScriptedHTTPServer { method, path in
            if let answer = Self.discovery(method, path) { return answer }
            if method == "REPORT" {
                return (207, Self.multistatus("<d:response><d:href>/u/cal/a.ics</d:href><d:propstat><d:prop><d:getetag>\"1\"</d:getetag></d:prop></d:propstat></d:response><d:sync-token>t1</d:sync-token>"))
            }
            return (200, Array("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:A\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".utf8))
        }
        let url = working!.url
        let first = try await T.backUp(store, CombinedSource(
            mail: MaildirSource(root: maildir), dav: DAVSource(client: try T.client(url, user: "u", password: nil)), davDescription: url))
        #expect(first.errors.isEmpty)
        let mailItems = try T.selected(store) { _ in }.filter { !$0.hasPrefix("Calendars/") }
        #expect(try T.selected(store) { _ in }.contains("Calendars/Cal/a.ics") && !mailItems.isEmpty)

        working = nil
        let down = try await T.backUp(store, CombinedSource(
            mail: MaildirSource(root: maildir), dav: DAVSource(client: try T.client(url, user: "u", password: nil)), davDescription: url))
        #expect(down.errors.count == 1 && down.errors[0].contains("calendars and contacts"))
        #expect(down.itemsDeleted == 0 && down.foldersDeleted == 0)
        #expect(try store.runs().last?.status == "partial")
        #expect(try T.selected(store) { _ in }.contains("Calendars/Cal/a.ics"))

        // A mail-only run leaves the calendars alone too.
        let mailOnly = try await T.backUp(store, MaildirSource(root: maildir))
        #expect(mailOnly.errors.isEmpty && mailOnly.foldersDeleted == 0)
        #expect(try T.selected(store) { _ in }.contains("Calendars/Cal/a.ics"))
    }

    @Test(.enabled(if: DAVTestServer.shouldRun(.radicale))) func aTwentyMegabyteContactPhotoIsBackedUpWhole() async throws {
        try await withDAVServer(.radicale) { try await bigPhoto($0) }
    }

    private func bigPhoto(_ server: DAVTestServer) async throws {
        let alice = try T.client(server.baseURL, user: "alice", password: "pass-alice")
        var photo = Data(count: 15 << 20)
        for index in stride(from: 0, to: photo.count, by: 97) { photo[index] = UInt8(truncatingIfNeeded: index / 97) }
        let encoded = photo.base64EncodedString()
        var card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:big@example.org\r\nFN:Big Photo\r\nEMAIL:big@example.org\r\nPHOTO;ENCODING=b;TYPE=JPEG:"
        var index = encoded.startIndex
        var first = true
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: first ? 40 : 74, limitedBy: encoded.endIndex) ?? encoded.endIndex
            card += (first ? "" : "\r\n ") + encoded[index..<end]
            first = false
            index = end
        }
        card += "\r\nEND:VCARD\r\n"
        try await T.put(alice, "/alice/contacts/big.vcf", Array(card.utf8))
        let served = try await T.get(alice, "/alice/contacts/big.vcf")
        #expect(served.count > 20 << 20)

        let dir = T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try UserStore(layout: StoreLayout(root: dir, user: "alice"), user: "alice", mode: .readWrite)
        let totals = try await T.backUp(store, DAVSource(client: try T.client(server.baseURL, user: "alice", password: "pass-alice")))
        #expect(totals.itemsAdded == 1 && totals.errors.isEmpty)
        var stored: [UInt8] = []
        var title: String?
        try store.forEachItem(matching: ItemQuery()) { item in
            stored = try store.readItem(item).raw
            title = item.subject
        }
        #expect(stored == served && title == "Big Photo")
    }
}
