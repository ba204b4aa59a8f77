@testable import BrickDAV
import BrickCore
import BrickRestore
import BrickStore
import BrickSync
import BrickTestSupport
import Foundation
import Testing

/// The round trip on a real Radicale (tools/dav-test-server): two calendars and an
/// address book backed up, changed upstream, backed up again, and restored into a
/// user who has only the server's empty default collections.
///
/// Radicale re-serializes what it is given (it parses every PUT with vobject), so
/// what the backup holds is compared with what the server served, byte for byte: a
/// resource read back after the restore equals the bytes the original served.
@Suite(.serialized, .enabled(if: DAVTestServer.shouldRun(.radicale))) struct DAVRoundTripTests {
    typealias T = DAVTestSupport

    @Test func roundTripKeepsEveryResourceAndRestoresIntoAnEmptyUser() async throws {
        try await withDAVServer(.radicale) { try await roundTrip($0) }
    }

    private func roundTrip(_ server: DAVTestServer) async throws {
        let dir = T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try UserStore(layout: StoreLayout(root: dir, user: "alice"), user: "alice", mode: .readWrite)
        let alice = try T.client(server.baseURL, user: "alice", password: "pass-alice")

        try await T.makeCalendar(alice, "/alice/work/", name: "Work", color: "#FF0000FF")
        try await T.makeCalendar(alice, "/alice/home/", name: "Home")
        for (path, fixture) in [
            ("/alice/work/weekly.ics", "work-weekly.ics"), ("/alice/work/review.ics", "work-review.ics"),
            ("/alice/home/holiday.ics", "home-holiday.ics"), ("/alice/home/task.ics", "home-task.ics"),
            ("/alice/contacts/dora.vcf", "contact-dora.vcf"), ("/alice/contacts/emil.vcf", "contact-emil.vcf"),
        ] {
            try await T.put(alice, path, try T.fixture(fixture))
        }

        let first = try await T.backUp(store, DAVSource(client: try T.client(server.baseURL, user: "alice", password: "pass-alice")))
        #expect(first.itemsAdded == 6 && first.errors.isEmpty)
        #expect(first.dav.description == "events 3 new; tasks 1 new; contacts 2 new")
        let folders = try store.folders().filter { $0.davHref != nil }.map(\.path.description)
        #expect(folders == ["Calendars", "Calendars/Calendar", "Calendars/Home", "Calendars/Work", "Contacts", "Contacts/Contacts"])

        // No change: discovery alone (the start URL, the principal, the one home, whose
        // listing gives every collection's sync-token); nothing else asked.
        let quiet = try T.client(server.baseURL, user: "alice", password: "pass-alice")
        let none = try await T.backUp(store, DAVSource(client: quiet))
        #expect(none.itemsAdded == 0 && none.itemsUpdated == 0 && none.itemsDeleted == 0)
        let counts = await quiet.requestCounts
        #expect(counts == ["PROPFIND": 3])

        // Change one item, delete one, add one, and add a collection.
        var review = String(decoding: try T.fixture("work-review.ics"), as: UTF8.self)
        review = review.replacingOccurrences(of: "SUMMARY:Quarterly review", with: "SUMMARY:Quarterly review (moved)")
        try await T.put(alice, "/alice/work/review.ics", Array(review.utf8))
        try await T.delete(alice, "/alice/home/task.ics")
        let extra = try T.fixture("work-review.ics").replacingUID(with: "extra-2026@example.org")
        try await T.put(alice, "/alice/work/extra.ics", extra)
        try await T.makeCalendar(alice, "/alice/travel/", name: "Travel")
        try await T.put(alice, "/alice/travel/trip.ics", try T.fixture("home-holiday.ics").replacingUID(with: "trip@example.org"))

        let second = try await T.backUp(store, DAVSource(client: try T.client(server.baseURL, user: "alice", password: "pass-alice")))
        #expect(second.itemsAdded == 2 && second.itemsUpdated == 1 && second.itemsDeleted == 1 && second.foldersAdded == 1)
        #expect(second.dav.description == "events 2 new, 1 changed; tasks 1 deleted")

        // What the store holds is what the server serves now, byte for byte.
        var served: [String: [UInt8]] = [:]
        for path in [
            "/alice/work/weekly.ics", "/alice/work/review.ics", "/alice/work/extra.ics", "/alice/home/holiday.ics",
            "/alice/travel/trip.ics", "/alice/contacts/dora.vcf", "/alice/contacts/emil.vcf",
        ] {
            served[path] = try await T.get(alice, path)
        }
        var stored: [String: [UInt8]] = [:]
        try store.forEachItem(matching: ItemQuery()) { item in
            let folder = try store.folders().first { $0.id == item.folderID }!
            stored[folder.davHref! + item.key.rawValue] = try store.readItem(item).raw
        }
        #expect(stored == served)

        // Filters select exactly.
        #expect(try T.selected(store) {
            $0.periodBegin = date("2026-03-01")
            $0.periodEnd = date("2026-04-01")
        } == ["Calendars/Home/holiday.ics", "Calendars/Travel/trip.ics", "Calendars/Work/weekly.ics"])
        #expect(try T.selected(store) { $0.sender = "bob@example.org" } == ["Calendars/Work/weekly.ics"])
        #expect(try T.selected(store) { $0.sender = "dora.private@example.net" } == ["Contacts/Contacts/dora.vcf"])
        #expect(try T.selected(store) { $0.folders = [FolderPath(["Calendars", "Home"])] } == ["Calendars/Home/holiday.ics"])
        #expect(try T.selected(store) { $0.deleted = .only } == ["Calendars/Home/task.ics"])

        // Restore everything present into bob, who has nothing yet.
        let bob = try T.client(server.baseURL + "bob/", user: "bob", password: "pass-bob")
        let restore = DAVRestoreJob(
            store: store, query: ItemQuery(), target: DAVTarget(client: bob), kinds: [.calendar, .addressbook],
            restoreRoot: nil, overwrite: false, logger: T.logger)
        let report = try await restore.run()
        #expect(report.restored == 7 && report.failures.isEmpty && report.folders == 4)
        let bobReader = try T.client(server.baseURL, user: "bob", password: "pass-bob")
        for (path, bytes) in served {
            let restored = try await T.get(bobReader, path.replacingOccurrences(of: "/alice/", with: "/bob/"))
            #expect(restored == bytes, "\(path)")
        }
        let bobCollections = try await DAVDiscovery(client: bobReader).collections()
        #expect(bobCollections.map { "\($0.kind.rawValue) \($0.displayName ?? "-")" }.sorted()
            == ["addressbook Contacts", "calendar Calendar", "calendar Home", "calendar Travel", "calendar Work"])
        #expect(bobCollections.first { $0.displayName == "Work" }?.color == "#FF0000FF")

        // Twice adds nothing; the deleted task comes back on request.
        let again = try await restore.run()
        #expect(again.restored == 0 && again.skippedDuplicates == 7)
        var deleted = ItemQuery()
        deleted.deleted = .only
        let back = try await DAVRestoreJob(
            store: store, query: deleted, target: DAVTarget(client: bob), kinds: [.calendar], restoreRoot: nil,
            overwrite: false, logger: T.logger
        ).run()
        #expect(back.restored == 1)
        #expect(try await T.get(bobReader, "/bob/home/task.ics").isEmpty == false)

        // --overwrite replaces what is there, with its current ETag.
        let replaced = try await DAVRestoreJob(
            store: store, query: ItemQuery(), target: DAVTarget(client: bob), kinds: [.calendar, .addressbook],
            restoreRoot: nil, overwrite: true, logger: T.logger
        ).run()
        #expect(replaced.replaced == 7 && replaced.failures.isEmpty)

        // --restore-root: one new calendar and one new address book named after it.
        let rooted = try await DAVRestoreJob(
            store: store, query: ItemQuery(), target: DAVTarget(client: bob), kinds: [.calendar, .addressbook],
            restoreRoot: "Restored 2026", overwrite: false, logger: T.logger
        ).run()
        #expect(rooted.restored == 7 && rooted.failures.isEmpty)
        let rootedCollections = try await DAVDiscovery(client: bobReader).collections().filter { $0.displayName == "Restored 2026" }
        #expect(rootedCollections.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.addressbook, .calendar])
    }

    private func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)!
    }
}

extension Array where Element == UInt8 {
    /// The iCalendar/vCard bytes with their UID line's value replaced.
    func replacingUID(with uid: String) -> [UInt8] {
        let text = String(decoding: self, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n").map { $0.hasPrefix("UID:") ? "UID:\(uid)" : $0 }
        return Array(lines.joined(separator: "\r\n").utf8)
    }
}
