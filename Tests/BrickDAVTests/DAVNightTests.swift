@testable import BrickDAV
import BrickCore
import BrickStore
import BrickSync
import BrickTestSupport
import Foundation
import Testing

/// The nightly run on each real server: with nothing changed it asks discovery and
/// one listing per home and nothing else, and a renamed or recoloured collection, a
/// new one, a deleted one and a changed item are each picked up the very next night,
/// with the requests of each night counted.
@Suite(.serialized) struct DAVNightTests {
    typealias T = DAVTestSupport

    /// Where a server keeps alice's collections, how many PROPFINDs its discovery and
    /// home listings take (start URL, principal, one listing per home), and whether it
    /// lets a user DELETE a calendar (Cyrus 3.6's httpd answers 404).
    struct Layout {
        var calendars: String
        var contacts: String
        var quietPropfinds: Int
        var deletesCollections = true
    }

    @Test(.enabled(if: DAVTestServer.shouldRun(.radicale)))
    func radicaleNoticesEveryChangeTheNextNightAndAsksNothingMoreWhenQuiet() async throws {
        try await withDAVServer(.radicale) {
            try await nights($0, Layout(calendars: "/alice/", contacts: "/alice/contacts/", quietPropfinds: 3))
        }
    }

    @Test(.enabled(if: DAVTestServer.shouldRun(.xandikos)))
    func xandikosNoticesEveryChangeTheNextNightAndAsksNothingMoreWhenQuiet() async throws {
        try await withDAVServer(.xandikos, user: "alice") {
            try await nights($0, Layout(calendars: "/alice/calendars/", contacts: "/alice/contacts/addressbook/", quietPropfinds: 4))
        }
    }

    @Test(.enabled(if: DAVTestServer.shouldRun(.cyrus)))
    func cyrusNoticesEveryChangeTheNextNightAndAsksNothingMoreWhenQuiet() async throws {
        try await withDAVServer(.cyrus) {
            try await nights(
                $0, Layout(
                    calendars: "/dav/calendars/user/alice/", contacts: "/dav/addressbooks/user/alice/Default/", quietPropfinds: 4,
                    deletesCollections: false))
        }
    }

    private func nights(_ server: DAVTestServer, _ layout: Layout) async throws {
        let dir = T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try UserStore(layout: StoreLayout(root: dir, user: "alice"), user: "alice", mode: .readWrite)
        let alice = try T.client(server.baseURL, user: "alice", password: "pass-alice")
        let work = layout.calendars + "work/"
        let travel = layout.calendars + "travel/"
        try await T.makeCalendar(alice, work, name: "Work", color: "#FF0000FF")
        try await T.put(alice, work + "review.ics", try T.fixture("work-review.ics"))
        try await T.put(alice, layout.contacts + "dora.vcf", try T.fixture("contact-dora.vcf"))

        func night() async throws -> (RunTotals, [String: Int]) {
            let client = try T.client(server.baseURL, user: "alice", password: "pass-alice")
            let totals = try await T.backUp(store, DAVSource(client: client))
            #expect(totals.errors.isEmpty, "\(totals.errors)")
            return (totals, await client.requestCounts)
        }
        func workFolder() throws -> StoredFolder? {
            try store.folders().first { $0.davHref == work && !$0.isDeleted }
        }

        let (first, _) = try await night()
        #expect(first.itemsAdded == 2)

        // Nothing changed: discovery and the home listings only.
        let (quiet, quietCounts) = try await night()
        #expect(quiet.itemsAdded == 0 && quiet.itemsUpdated == 0 && quiet.itemsDeleted == 0)
        #expect(quietCounts == ["PROPFIND": layout.quietPropfinds], "\(quietCounts)")

        // Renamed and recoloured: the folder follows the same night.
        try await proppatch(alice, work, name: "Work 2026", color: "#00FF00FF")
        let (_, renamedCounts) = try await night()
        let renamed = try #require(try workFolder())
        #expect(renamed.path.description == "Calendars/Work 2026")
        #expect(renamed.davProperties?.contains("#00FF00FF") == true, "\(renamed.davProperties ?? "-")")
        #expect(renamedCounts["PROPFIND"] == layout.quietPropfinds && renamedCounts["GET"] == nil, "\(renamedCounts)")

        // A new collection with an event: added the same night.
        try await T.makeCalendar(alice, travel, name: "Travel")
        try await T.put(alice, travel + "trip.ics", try T.fixture("home-holiday.ics").replacingUID(with: "trip@example.org"))
        let (added, _) = try await night()
        #expect(added.foldersAdded == 1 && added.itemsAdded == 1, "\(added)")

        // The collection deleted: marked deleted the same night, its event with it.
        if layout.deletesCollections {
            try await T.delete(alice, travel)
            let (removed, _) = try await night()
            #expect(removed.foldersDeleted == 1 && removed.itemsDeleted == 1, "\(removed)")
        }

        // One event changed: one sync-collection REPORT and the changed event.
        var review = String(decoding: try T.fixture("work-review.ics"), as: UTF8.self)
        review = review.replacingOccurrences(of: "SUMMARY:Quarterly review", with: "SUMMARY:Quarterly review (moved)")
        try await T.put(alice, work + "review.ics", Array(review.utf8))
        let (changed, changedCounts) = try await night()
        #expect(changed.itemsUpdated == 1 && changed.itemsAdded == 0 && changed.itemsDeleted == 0, "\(changed)")
        #expect(changedCounts["PROPFIND"] == layout.quietPropfinds && changedCounts["REPORT", default: 0] >= 1, "\(changedCounts)")

        // And quiet again afterwards.
        let (_, afterCounts) = try await night()
        #expect(afterCounts == ["PROPFIND": layout.quietPropfinds], "\(afterCounts)")
    }

    /// Sets a collection's display name and colour, as a client's settings dialog does.
    private func proppatch(_ client: DAVClient, _ path: String, name: String, color: String) async throws {
        let body = """
            <?xml version="1.0" encoding="utf-8"?><d:propertyupdate xmlns:d="DAV:" xmlns:ic="http://apple.com/ns/ical/">\
            <d:set><d:prop><d:displayname>\(name)</d:displayname><ic:calendar-color>\(color)</ic:calendar-color></d:prop></d:set>\
            </d:propertyupdate>
            """
        _ = try await client.expectSuccess(HTTPRequestMessage(
            method: "PROPPATCH", path: path, headers: [("Content-Type", "application/xml; charset=utf-8")], body: Array(body.utf8)))
    }
}
