import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// The search across users reads catalogs through a plain read-only SQLite connection
/// (`PlainCatalogSearch`): it must select exactly what `StoreCatalog` selects, in the
/// same order, and leave sealed-text and older catalogs to `StoreCatalog`.
@Suite struct PlainCatalogSearchTests {
    /// alice's store: mail in INBOX and Archive/2025 (RFC 2047 subject, a deleted
    /// message, two runs), a calendar with a single, an open-ended and a bounded
    /// recurring event, and an address book with a contact of two addresses.
    func fill(_ root: URL) throws {
        let store = try openStore(root)
        try store.enableTextIndex()
        let run1 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_772_000_000))
        let inbox = try store.ensureFolder(.inbox, run: run1).folder
        let archive = try store.ensureFolder(FolderPath(["Archive", "2025"]), run: run1).folder
        _ = try store.commit(ChangeBatch(added: [
            makeItem("m1", received: 1_741_000_000, raw: makeMessage(
                from: "=?UTF-8?Q?J=C3=BCrgen?= <Carol@Example.COM>", subject: "=?UTF-8?B?R3LDvMOfZQ==?= aus München",
                body: "Die Fusion.\r\n", date: "Mon, 3 Mar 2025 10:00:00 +0000")),
            makeItem("m2", received: 1_743_500_000, raw: makeMessage(from: "dan@other.net", subject: "Merger contract", body: "Café at noon.\r\n",
                                                                     date: "Tue, 1 Apr 2025 08:00:00 +0000")),
            makeItem("m3", received: 1_745_000_000, raw: makeMessage(from: "carol@example.com", subject: "Lunch", body: "Tacos.\r\n")),
        ]), to: inbox, run: run1)
        _ = try store.commit(ChangeBatch(added: [makeItem("a1", received: 1_740_000_000, raw: makeMessage(from: "eve@sub.example.com"))]),
                             to: archive, run: run1)
        let calendar = try store.ensureFolder(FolderPath(["Calendars", "Work"]), dav: DAVFolderInfo(href: "/alice/work/", properties: "{}"), run: run1).folder
        _ = try store.commit(ChangeBatch(added: [
            makeItem("single.ics", received: 1_700_000_000, raw: Self.event("single", start: "20250310T090000Z", extra: "DTEND:20250310T100000Z")),
            makeItem("weekly.ics", received: 1_700_000_000, raw: Self.event("weekly", start: "20250105T090000Z", extra: "RRULE:FREQ=WEEKLY")),
            makeItem("daily.ics", received: 1_700_000_000, raw: Self.event("daily", start: "20250201T090000Z", extra: "RRULE:FREQ=DAILY;COUNT=30")),
        ]), to: calendar, run: run1)
        let contacts = try store.ensureFolder(FolderPath(["Contacts", "Contacts"]), dav: DAVFolderInfo(href: "/alice/contacts/", properties: "{}"), run: run1).folder
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:dora\r\nFN:Dora Berg\r\nEMAIL:dora@example.net\r\nEMAIL:dora.private@example.net\r\nEND:VCARD\r\n"
        _ = try store.commit(ChangeBatch(added: [makeItem("dora.vcf", received: 1_700_000_000, raw: Array(card.utf8))]), to: contacts, run: run1)
        try store.finishRun(run1, totals: RunTotals(), status: "ok")
        let run2 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_773_000_000))
        _ = try store.commit(ChangeBatch(vanished: ["m3"]), to: inbox, run: run2)
        try store.finishRun(run2, totals: RunTotals(), status: "ok")
    }

    static func event(_ uid: String, start: String, extra: String) -> [UInt8] {
        Array(("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Brick//Test//EN\r\nBEGIN:VEVENT\r\nUID:\(uid)@example.org\r\n"
            + "DTSTAMP:20250101T000000Z\r\nDTSTART:\(start)\r\n\(extra)\r\nSUMMARY:Review \(uid)\r\n"
            + "ORGANIZER:mailto:bob@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").utf8)
    }

    static func date(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: seconds) }

    /// Every filter alone and some together.
    static let queries: [(String, @Sendable (inout ItemQuery) -> Void)] = [
        ("everything present", { _ in }),
        ("deleted too", { $0.deleted = .yes }),
        ("deleted only", { $0.deleted = .only }),
        ("sender", { $0.sender = "CAROL@example.com"; $0.deleted = .yes }),
        ("sender domain", { $0.sender = "@example.com" }),
        ("contact's other address", { $0.sender = "dora.private@example.net" }),
        ("organizer", { $0.sender = "bob@example.org" }),
        ("period", { $0.periodBegin = date(1_741_000_000); $0.periodEnd = date(1_743_500_000) }),
        ("period begin", { $0.periodBegin = date(1_743_000_000) }),
        ("period end", { $0.periodEnd = date(1_741_500_000) }),
        ("period on the sent date", { $0.periodBegin = date(1_740_000_000); $0.periodEnd = date(1_743_600_000); $0.dateField = .sent }),
        ("keys", { $0.keys = [ItemKey("m1"), ItemKey("weekly.ics"), ItemKey("none")] }),
        ("as of the first run", { $0.asOf = date(1_772_500_000) }),
        ("as of before any run", { $0.asOf = date(1_000_000_000) }),
        ("text", { $0.text = "fusion" }),
        ("non-ASCII text", { $0.text = "café" }),
        ("non-ASCII subject", { $0.subject = "grüße" }),
        ("folded subject", { $0.subject = "munchen" }),
        ("phrase and prefix", { $0.text = "\"merger contract\" caf*" }),
        ("event title", { $0.subject = "review" }),
        ("folder", { $0.folders = [.inbox]; $0.deleted = .yes }),
        ("folder and subfolders", { $0.folders = [FolderPath(["Archive"])]; $0.recursive = true }),
        ("calendar folder in a period", { $0.folders = [FolderPath(["Calendars", "Work"])]; $0.periodBegin = date(1_741_000_000) }),
        ("sender and text", { $0.sender = "@example.com"; $0.text = "tacos OR fusion"; $0.deleted = .yes }),
        ("limit", { $0.limit = 2 }),
    ]

    func plainItems(_ directory: URL, _ query: ItemQuery) throws -> [CatalogItem]? {
        var items: [CatalogItem] = []
        let handled = try PlainCatalogSearch.forEachItem(directory: directory, user: "alice", matching: query) { items.append($0) }
        return handled ? items : nil
    }

    func catalogItems(_ directory: URL, _ query: ItemQuery) throws -> [CatalogItem] {
        var items: [CatalogItem] = []
        try StoreCatalog(directory: directory).forEachItem(matching: query) { items.append($0) }
        return items
    }

    @Test func everyFilterSelectsWhatStoreCatalogSelectsInTheSameOrder() throws {
        let dir = TemporaryDirectory()
        try fill(dir.url)
        let alice = dir.url.appendingPathComponent("alice")
        for (name, change) in Self.queries {
            var query = ItemQuery()
            change(&query)
            let expected = try catalogItems(alice, query)
            #expect(try plainItems(alice, query) == expected, "\(name)")
            #expect(!expected.isEmpty || name == "as of before any run", "\(name) selects nothing: a weak comparison")
        }
    }

    @Test func aFolderTheStoreLacksIsFolderNotFoundOnBothPaths() throws {
        let dir = TemporaryDirectory()
        try fill(dir.url)
        var query = ItemQuery()
        query.folders = [FolderPath(["Nowhere"])]
        #expect(throws: StoreError.self) { try plainItems(dir.url.appendingPathComponent("alice"), query) }
        let found = try SiteSearch.items(in: dir.url.appendingPathComponent("alice"), user: "alice", matching: ItemQuery())
        #expect(found.count == 7)
    }

    @Test func anOlderCatalogIsLeftToStoreCatalogWhichMigratesIt() throws {
        let dir = TemporaryDirectory()
        try CatalogFormatTests().placePreviousFormatStore(dir.url)
        let alice = dir.url.appendingPathComponent("alice")
        #expect(try plainItems(alice, ItemQuery()) == nil)
        let found = try SiteSearch.items(in: alice, user: "alice", matching: ItemQuery())
        #expect(!found.isEmpty)
        #expect(try plainItems(alice, ItemQuery()) == found)
    }

    @Test func aStoreWithSealedCatalogTextIsLeftToStoreCatalog() throws {
        let dir = TemporaryDirectory()
        let secret = StoreKeySecret.generateKeyFile()
        _ = try SealedRoot.create(root: dir.url, secrets: [secret], existingUsers: [], sealingCatalogText: true)
        let keyring = StoreKeyring()
        keyring.add(secret)
        do {
            let store = try UserStore(layout: StoreLayout(root: dir.url, user: "alice"), user: "alice", mode: .readWrite, keyring: keyring)
            let run = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            _ = try store.commit(ChangeBatch(added: [makeItem("k1", raw: makeMessage(subject: "Sealed subject"))]), to: inbox, run: run)
            try store.finishRun(run, totals: RunTotals(), status: "ok")
        }
        let alice = dir.url.appendingPathComponent("alice")
        #expect(try plainItems(alice, ItemQuery()) == nil)
        // Without the key, a text filter is refused as before.
        var query = ItemQuery()
        query.subject = "sealed"
        #expect(throws: StoreError.self) { try SiteSearch.items(in: alice, user: "alice", matching: query) }
    }
}
