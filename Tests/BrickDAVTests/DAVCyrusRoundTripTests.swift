@testable import BrickDAV
import BrickCore
import BrickRestore
import BrickStore
import BrickSync
import BrickTestSupport
import Foundation
import Testing

/// The round trip on a real Cyrus httpd (tools/cyrus-test-server with cyrus-caldav):
/// two calendars and an address book backed up, changed upstream, backed up again,
/// and restored into a user who has only Cyrus's default collections.
///
/// Cyrus keeps its calendars and address books in two homes
/// (`calendars/user/<name>/`, `addressbooks/user/<name>/`); the restore is given the
/// server's root, as `dav:`, and puts each kind into the home discovery finds for it.
/// Cyrus re-serializes iCalendar on PUT and its own serialization again gives the
/// same bytes, so everything is compared byte for byte: the store against what Cyrus
/// serves, the restored user's resources against the original user's. A vCard is read
/// with `Accept: text/vcard; version=4.0` (`DAVCollectionSync.vCardAccept`): Cyrus
/// hands a 4.0 card out as stored only when asked for 4.0 (as 3.0 it drops a `data:`
/// photo), and a 3.0 card as its lossless 4.0 rendition.
@Suite(.serialized, .enabled(if: DAVTestServer.shouldRun(.cyrus))) struct DAVCyrusRoundTripTests {
    typealias T = DAVTestSupport

    @Test func roundTripOnCyrusKeepsEveryResourceAndRestoresIntoAnEmptyUser() async throws {
        try await withDAVServer(.cyrus) { try await roundTrip($0) }
    }

    private func roundTrip(_ server: DAVTestServer) async throws {
        let dir = T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try UserStore(layout: StoreLayout(root: dir, user: "alice"), user: "alice", mode: .readWrite)
        let base = server.baseURL
        let alice = try T.client(base, user: "alice", password: "pass-alice")
        let calendars = "/dav/calendars/user/alice/"
        let contacts = "/dav/addressbooks/user/alice/Default/"

        try await T.makeCalendar(alice, calendars + "work/", name: "Work", color: "#FF0000FF")
        try await T.makeCalendar(alice, calendars + "home/", name: "Home")
        for (path, fixture) in [
            (calendars + "work/weekly.ics", "work-weekly.ics"), (calendars + "work/review.ics", "work-review.ics"),
            (calendars + "home/holiday.ics", "home-holiday.ics"), (calendars + "home/task.ics", "home-task.ics"),
            (contacts + "dora.vcf", "contact-dora.vcf"), (contacts + "emil.vcf", "contact-emil.vcf"),
        ] {
            try await T.put(alice, path, try T.fixture(fixture))
        }

        let first = try await T.backUp(store, DAVSource(client: try T.client(base, user: "alice", password: "pass-alice")))
        #expect(first.itemsAdded == 6 && first.errors.isEmpty, "\(first.errors)")
        let davFolders = try store.folders().filter { $0.davHref != nil }
        #expect(davFolders.filter { $0.path.components.count == 2 }.map { $0.davHref! }.sorted() == [
            "/dav/addressbooks/user/alice/Default/", "/dav/calendars/user/alice/Default/",
            "/dav/calendars/user/alice/home/", "/dav/calendars/user/alice/work/",
        ])

        // No change: discovery alone (the start URL, the principal and the two homes,
        // whose listing carries every collection's sync token); nothing fetched.
        let quiet = try T.client(base, user: "alice", password: "pass-alice")
        let none = try await T.backUp(store, DAVSource(client: quiet))
        #expect(none.itemsAdded == 0 && none.itemsUpdated == 0 && none.itemsDeleted == 0)
        let counts = await quiet.requestCounts
        #expect(counts == ["PROPFIND": 4], "\(counts)")

        // Change one item, delete one, add one, and add a collection.
        var review = String(decoding: try T.fixture("work-review.ics"), as: UTF8.self)
        review = review.replacingOccurrences(of: "SUMMARY:Quarterly review", with: "SUMMARY:Quarterly review (moved)")
        try await T.put(alice, calendars + "work/review.ics", Array(review.utf8))
        try await T.delete(alice, calendars + "home/task.ics")
        try await T.put(alice, calendars + "work/extra.ics", try T.fixture("work-review.ics").replacingUID(with: "extra-2026@example.org"))
        try await T.makeCalendar(alice, calendars + "travel/", name: "Travel")
        try await T.put(alice, calendars + "travel/trip.ics", try T.fixture("home-holiday.ics").replacingUID(with: "trip@example.org"))

        let second = try await T.backUp(store, DAVSource(client: try T.client(base, user: "alice", password: "pass-alice")))
        #expect(second.itemsAdded == 2 && second.itemsUpdated == 1 && second.itemsDeleted == 1 && second.foldersAdded == 1)

        // What the store holds is what Cyrus serves now, byte for byte.
        let paths = [
            "calendars/user/alice/work/weekly.ics", "calendars/user/alice/work/review.ics", "calendars/user/alice/work/extra.ics",
            "calendars/user/alice/home/holiday.ics", "calendars/user/alice/travel/trip.ics",
            "addressbooks/user/alice/Default/dora.vcf", "addressbooks/user/alice/Default/emil.vcf",
        ]
        var served: [String: [UInt8]] = [:]
        for path in paths { served["/dav/" + path] = try await read(alice, "/dav/" + path) }
        var stored: [String: [UInt8]] = [:]
        try store.forEachItem(matching: ItemQuery()) { item in
            let folder = try store.folders().first { $0.id == item.folderID }!
            stored[folder.davHref! + item.key.rawValue] = try store.readItem(item).raw
        }
        #expect(stored == served)
        let emil = String(decoding: served["/dav/addressbooks/user/alice/Default/emil.vcf"] ?? [], as: UTF8.self)
        #expect(emil.contains("VERSION:4.0"), "the 4.0 card is kept as 4.0")

        // Filters select exactly.
        #expect(try T.selected(store) {
            $0.periodBegin = date("2026-03-01")
            $0.periodEnd = date("2026-04-01")
        } == ["Calendars/Home/holiday.ics", "Calendars/Travel/trip.ics", "Calendars/Work/weekly.ics"])
        #expect(try T.selected(store) { $0.sender = "bob@example.org" } == ["Calendars/Work/weekly.ics"])
        #expect(try T.selected(store) { $0.sender = "dora.private@example.net" }.map { $0.hasSuffix("/dora.vcf") } == [true])
        #expect(try T.selected(store) { $0.folders = [FolderPath(["Calendars", "Home"])] } == ["Calendars/Home/holiday.ics"])
        #expect(try T.selected(store) { $0.deleted = .only } == ["Calendars/Home/task.ics"])

        // Restore everything present into bob through the server's root: calendars
        // land in his calendar home, contacts in his address book home.
        let restored = try await restore(store, into: base, user: "bob", overwrite: false)
        #expect(restored.restored == 7 && restored.failures.isEmpty, "\(restored.failures)")
        let bob = try T.client(base, user: "bob", password: "pass-bob")
        for (path, bytes) in served {
            let back = try await read(bob, path.replacingOccurrences(of: "/user/alice/", with: "/user/bob/"))
            #expect(back == bytes, "\(path)")
        }
        let bobCalendars = try await DAVDiscovery(client: bob).collections().filter { $0.kind == .calendar }
        #expect(Set(bobCalendars.compactMap(\.displayName)).isSuperset(of: ["Work", "Home", "Travel"]))
        #expect(bobCalendars.first { $0.displayName == "Work" }?.color == "#FF0000FF")

        // Twice adds nothing; --overwrite replaces each, with its current ETag.
        let again = try await restore(store, into: base, user: "bob", overwrite: false)
        #expect(again.restored == 0 && again.skippedDuplicates == 7 && again.failures.isEmpty)
        let replaced = try await restore(store, into: base, user: "bob", overwrite: true)
        #expect(replaced.restored == 7 && replaced.failures.isEmpty, "\(replaced.failures)")

        // --restore-root: one new calendar named after it, made with MKCALENDAR. Into
        // carol: Cyrus keeps a UID once per user, so into bob, who holds these UIDs in
        // other calendars now, each would be answered "uid-conflict" (already there).
        let rooted = try await DAVRestoreJob(
            store: store, query: ItemQuery(), target: DAVTarget(client: try T.client(base + "calendars/user/carol/", user: "carol", password: "pass-carol")),
            kinds: [.calendar], restoreRoot: "Restored 2026", overwrite: false, logger: T.logger
        ).run()
        #expect(rooted.restored == 5 && rooted.failures.isEmpty, "\(rooted.restored) \(rooted.skippedDuplicates) \(rooted.failures)")
        let carol = try T.client(base, user: "carol", password: "pass-carol")
        let made = try await DAVDiscovery(client: carol).collections().filter { $0.displayName == "Restored 2026" }
        #expect(made.map(\.kind) == [.calendar])
        let intoBob = try await DAVRestoreJob(
            store: store, query: ItemQuery(), target: DAVTarget(client: try T.client(base + "calendars/user/bob/", user: "bob", password: "pass-bob")),
            kinds: [.calendar], restoreRoot: "Restored 2026", overwrite: false, logger: T.logger
        ).run()
        #expect(intoBob.restored == 0 && intoBob.skippedDuplicates == 5 && intoBob.failures.isEmpty, "\(intoBob.restored) \(intoBob.skippedDuplicates) \(intoBob.failures)")
    }

    private func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)!
    }

    /// Cyrus's admin acting for a user: Basic as `backup-admin` with `Authorize-As`,
    /// which Cyrus honours only on a Murder backend (the test server's second httpd) and
    /// refuses (401) on a standalone server and from a user who is not an admin.
    @Test func adminLoginActsForEachUserWithAuthorizeAs() async throws {
        try await withDAVServer(.cyrus) { server in
            let proxy = try #require(server.proxyURL)
            let alice = try T.client(server.baseURL, user: "alice", password: "pass-alice")
            try await T.put(alice, "/dav/calendars/user/alice/Default/weekly.ics", try T.fixture("work-weekly.ics"))
            try await T.put(alice, "/dav/addressbooks/user/alice/Default/emil.vcf", try T.fixture("contact-emil.vcf"))
            let admin = { (url: String, actingFor: String) in
                DAVClient(
                    endpoint: try DAVEndpoint(url: url), user: actingFor,
                    credentials: DAVCredentials(user: "backup-admin", password: "pass-admin", authorizeAs: actingFor))
            }

            let dir = T.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let store = try UserStore(layout: StoreLayout(root: dir, user: "alice"), user: "alice", mode: .readWrite)
            let backup = try await T.backUp(store, DAVSource(client: try admin(proxy, "alice")))
            #expect(backup.itemsAdded == 2 && backup.errors.isEmpty, "\(backup.errors)")
            var stored: [String: [UInt8]] = [:]
            try store.forEachItem(matching: ItemQuery()) { stored[$0.key.rawValue] = try store.readItem($0).raw }
            #expect(stored["weekly.ics"] == (try await read(alice, "/dav/calendars/user/alice/Default/weekly.ics")))
            #expect(stored["emil.vcf"] == (try await read(alice, "/dav/addressbooks/user/alice/Default/emil.vcf")))

            // Into bob's own default calendar, as the admin acting for bob.
            let restored = try await DAVRestoreJob(
                store: store, query: ItemQuery(), target: DAVTarget(client: try admin(proxy + "calendars/user/bob/", "bob")),
                kinds: [.calendar], restoreRoot: nil, overwrite: false, logger: T.logger
            ).run()
            #expect(restored.restored == 1 && restored.failures.isEmpty, "\(restored.failures)")
            let bob = try T.client(server.baseURL, user: "bob", password: "pass-bob")
            #expect(try await read(bob, "/dav/calendars/user/bob/Default/weekly.ics") == stored["weekly.ics"])

            await #expect(throws: DAVError.authenticationFailed(host: "127.0.0.1", user: "backup-admin for alice")) {
                _ = try await DAVDiscovery(client: try admin(server.baseURL, "alice")).homes()
            }
            let bobForAlice = DAVClient(
                endpoint: try DAVEndpoint(url: proxy), user: "alice",
                credentials: DAVCredentials(user: "bob", password: "pass-bob", authorizeAs: "alice"))
            await #expect(throws: DAVError.self) { _ = try await DAVDiscovery(client: bobForAlice).homes() }
        }
    }

    /// GET as the backup reads: vCards with `DAVCollectionSync.vCardAccept`.
    private func read(_ client: DAVClient, _ path: String) async throws -> [UInt8] {
        let headers = path.hasSuffix(".vcf") ? [("Accept", DAVCollectionSync.vCardAccept)] : []
        return try await client.expectSuccess(HTTPRequestMessage(method: "GET", path: path, headers: headers)).body
    }

    /// The counts of a restore of calendars and contacts, added up.
    struct Totals {
        var restored = 0, skippedDuplicates = 0
        var failures: [String] = []
    }

    /// One restore of both kinds (`dav:`) given the server's root URL only.
    private func restore(_ store: UserStore, into base: String, user: String, overwrite: Bool) async throws -> Totals {
        let client = try T.client(base, user: user, password: "pass-\(user)")
        let report = try await DAVRestoreJob(
            store: store, query: ItemQuery(), target: DAVTarget(client: client), kinds: [.calendar, .addressbook], restoreRoot: nil,
            overwrite: overwrite, logger: T.logger
        ).run()
        return Totals(restored: report.restored, skippedDuplicates: report.skippedDuplicates, failures: report.failures)
    }
}
