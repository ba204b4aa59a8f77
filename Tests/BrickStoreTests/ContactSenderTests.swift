import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// `--sender` finds a contact by any of its e-mail addresses, or by the domain of any,
/// in a plain store and in one that seals its catalog text alike; events still go by
/// their organizer only.
@Suite struct ContactSenderTests {
    /// A contact of three addresses, another contact, and an event with an attendee.
    func fill(_ store: UserStore) throws {
        let run = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
        let contacts = try store.ensureFolder(FolderPath(["Contacts", "Personal"]), dav: DAVFolderInfo(href: "/alice/contacts/", properties: "{}"), run: run).folder
        let dora = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:dora\r\nFN:Dora Berg\r\nEMAIL:dora@example.net\r\n"
            + "EMAIL;TYPE=home:Dora.Berg@Private-Mail.example\r\nEMAIL:d.berg@club.example\r\nEND:VCARD\r\n"
        let olaf = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:olaf\r\nFN:Olaf Ek\r\nEMAIL:olaf@club.example\r\nEND:VCARD\r\n"
        _ = try store.commit(ChangeBatch(added: [
            makeItem("dora.vcf", raw: Array(dora.utf8)), makeItem("olaf.vcf", raw: Array(olaf.utf8)),
        ]), to: contacts, run: run)
        let calendar = try store.ensureFolder(FolderPath(["Calendars", "Work"]), dav: DAVFolderInfo(href: "/alice/work/", properties: "{}"), run: run).folder
        let event = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:meet\r\nDTSTART:20260105T100000Z\r\n"
            + "ORGANIZER:mailto:boss@example.net\r\nATTENDEE:mailto:d.berg@club.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        _ = try store.commit(ChangeBatch(added: [makeItem("meet.ics", raw: Array(event.utf8))]), to: calendar, run: run)
        try store.finishRun(run, totals: RunTotals(), status: "ok")
    }

    func keys(_ store: UserStore, sender: String) throws -> [String] {
        var query = ItemQuery()
        query.sender = sender
        return try store.items(matching: query).map(\.key.rawValue).sorted()
    }

    func expectContactsFoundByEveryAddress(_ store: UserStore) throws {
        #expect(try keys(store, sender: "dora@example.net") == ["dora.vcf"])
        #expect(try keys(store, sender: "dora.berg@private-mail.example") == ["dora.vcf"])
        #expect(try keys(store, sender: "D.Berg@Club.example") == ["dora.vcf"])
        #expect(try keys(store, sender: "@private-mail.example") == ["dora.vcf"])
        #expect(try keys(store, sender: "@club.example") == ["dora.vcf", "olaf.vcf"])
        #expect(try keys(store, sender: "@example.net") == ["dora.vcf", "meet.ics"])
        #expect(try keys(store, sender: "boss@example.net") == ["meet.ics"])
        #expect(try keys(store, sender: "berg@club.example").isEmpty)
        #expect(try keys(store, sender: "@mail.example").isEmpty)
    }

    @Test func aPlainStoreFindsAContactByEachOfItsAddresses() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        try fill(store)
        try expectContactsFoundByEveryAddress(store)
    }

    @Test func aStoreSealingItsCatalogTextFindsAContactByEachOfItsAddresses() throws {
        let dir = TemporaryDirectory()
        let sealed = SealedCatalogTextTests()
        let store = try sealed.open(dir, try sealed.sealedRoot(dir))
        #expect(store.sealsCatalogText)
        try fill(store)
        try expectContactsFoundByEveryAddress(store)
    }

    @Test(arguments: ["dora.berg@private-mail.example", "@private-mail.example"])
    func aPlainSenderSearchUsesTheSenderAndKindIndexesInsteadOfScanningItems(sender: String) throws {
        let dir = TemporaryDirectory()
        try fill(try openStore(dir.url))
        let catalog = try DatabaseQueue(path: dir.url.appendingPathComponent("alice/catalog.sqlite").path)
        var query = ItemQuery()
        query.sender = sender
        let plan = try catalog.read { db -> [String] in
            let (sql, arguments) = try ItemQuerySQL.select(query, db: db, user: "alice", text: .clear(user: "alice"))
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
        #expect(plan.contains("MULTI-INDEX OR"), "\(plan)")
        #expect(plan.contains { $0.hasPrefix("SEARCH i USING INDEX items_kind ") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN i") }, "\(plan)")
    }
}
