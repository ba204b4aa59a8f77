@testable import BrickDAV
import BrickCore
import BrickRestore
import BrickStore
import BrickSync
import BrickTestSupport
import Foundation
import Testing

/// A reduced round trip on a real Xandikos (tools/xandikos-test-server), the Git-backed
/// standalone server: a calendar of the user's own beside the default one and the
/// default address book, backed up, changed upstream, backed up again (sync-collection
/// from the stored token, then a multiget of what changed), and restored through the
/// server's root into another user's empty server.
///
/// Xandikos serves one user a server, so the empty user is a second instance. It keeps
/// each resource as it was PUT, so everything is compared byte for byte.
@Suite(.serialized, .enabled(if: DAVTestServer.shouldRun(.xandikos))) struct DAVXandikosRoundTripTests {
    typealias T = DAVTestSupport

    @Test func roundTripOnXandikosKeepsEveryResourceAndRestoresIntoAnEmptyUser() async throws {
        try await withDAVServer(.xandikos, user: "alice") { alice in
            try await withDAVServer(.xandikos, user: "bob") { bob in try await roundTrip(from: alice, into: bob) }
        }
    }

    private func roundTrip(from server: DAVTestServer, into empty: DAVTestServer) async throws {
        let dir = T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try UserStore(layout: StoreLayout(root: dir, user: "alice"), user: "alice", mode: .readWrite)
        let alice = try T.client(server.baseURL, user: "alice", password: "pass-alice")
        let calendars = "/alice/calendars/"
        let contacts = "/alice/contacts/addressbook/"

        try await T.makeCalendar(alice, calendars + "work/", name: "Work", color: "#FF0000FF")
        for (path, fixture) in [
            (calendars + "work/weekly.ics", "work-weekly.ics"), (calendars + "work/review.ics", "work-review.ics"),
            (calendars + "calendar/holiday.ics", "home-holiday.ics"), (calendars + "calendar/task.ics", "home-task.ics"),
            (contacts + "dora.vcf", "contact-dora.vcf"), (contacts + "emil.vcf", "contact-emil.vcf"),
        ] {
            try await T.put(alice, path, try T.fixture(fixture))
        }

        let first = try await T.backUp(store, DAVSource(client: try T.client(server.baseURL, user: "alice", password: "pass-alice")))
        #expect(first.itemsAdded == 6 && first.errors.isEmpty, "\(first.errors)")
        let hrefs = try store.folders().compactMap(\.davHref).filter { $0.split(separator: "/").count == 3 }.sorted()
        #expect(hrefs == [calendars + "calendar/", calendars + "work/", contacts])

        // No change: the root, the principal and the two homes, whose listing carries
        // each collection's sync-token; nothing else asked.
        let quiet = try T.client(server.baseURL, user: "alice", password: "pass-alice")
        let none = try await T.backUp(store, DAVSource(client: quiet))
        #expect(none.itemsAdded == 0 && none.itemsUpdated == 0 && none.itemsDeleted == 0)
        let counts = await quiet.requestCounts
        #expect(counts == ["PROPFIND": 4], "\(counts)")

        // Change one item, delete one, add one.
        var review = String(decoding: try T.fixture("work-review.ics"), as: UTF8.self)
        review = review.replacingOccurrences(of: "SUMMARY:Quarterly review", with: "SUMMARY:Quarterly review (moved)")
        try await T.put(alice, calendars + "work/review.ics", Array(review.utf8))
        try await T.delete(alice, calendars + "calendar/task.ics")
        try await T.put(alice, calendars + "work/extra.ics", try T.fixture("work-review.ics").replacingUID(with: "extra-2026@example.org"))

        let changed = try T.client(server.baseURL, user: "alice", password: "pass-alice")
        let second = try await T.backUp(store, DAVSource(client: changed))
        #expect(second.itemsAdded == 1 && second.itemsUpdated == 1 && second.itemsDeleted == 1, "\(second)")
        #expect(await changed.requestCounts["GET"] == nil, "changed resources come in a multiget")

        // What the store holds is what Xandikos serves now, byte for byte.
        var served: [String: [UInt8]] = [:]
        for path in [
            "work/weekly.ics", "work/review.ics", "work/extra.ics", "calendar/holiday.ics",
        ] {
            served[calendars + path] = try await T.get(alice, calendars + path)
        }
        for name in ["dora.vcf", "emil.vcf"] { served[contacts + name] = try await T.get(alice, contacts + name) }
        var stored: [String: [UInt8]] = [:]
        try store.forEachItem(matching: ItemQuery()) { item in
            let folder = try store.folders().first { $0.id == item.folderID }!
            stored[folder.davHref! + item.key.rawValue] = try store.readItem(item).raw
        }
        #expect(stored == served)

        // Restore everything present into bob, given only his server's root: each kind
        // goes into the home discovery finds for it.
        let bob = try T.client(empty.baseURL, user: "bob", password: "pass-bob")
        let restore = DAVRestoreJob(
            store: store, query: ItemQuery(), target: DAVTarget(client: bob), kinds: [.calendar, .addressbook],
            restoreRoot: nil, overwrite: false, logger: T.logger)
        let report = try await restore.run()
        #expect(report.restored == 6 && report.failures.isEmpty, "\(report.failures)")
        for (path, bytes) in served {
            let back = try await T.get(bob, path.replacingOccurrences(of: "/alice/", with: "/bob/"))
            #expect(back == bytes, "\(path)")
        }
        // Xandikos 0.2.8 keeps the display name of a MKCALENDAR, not its colour (it
        // answers 404 for calendar-color), so the colour is the original's: none.
        let original = try await DAVDiscovery(client: alice).collections().first { $0.href == "/alice/calendars/work/" }
        let work = try await DAVDiscovery(client: bob).collections().first { $0.href == "/bob/calendars/work/" }
        #expect(work?.displayName == "Work" && work?.color == original?.color)

        // Twice adds nothing.
        let again = try await restore.run()
        #expect(again.restored == 0 && again.skippedDuplicates == 6 && again.failures.isEmpty)
    }
}
