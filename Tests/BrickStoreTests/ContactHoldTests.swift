import BrickCore
@testable import BrickStore
import Foundation
import Testing

/// A legal hold on a sender keeps a deleted contact card by any of its addresses, or
/// their domains, as `--sender` finds it.
@Suite struct ContactHoldTests {
    /// A store holding one contact of three addresses, deleted upstream; its catalog
    /// text sealed when `sealed`.
    private func storeWithADeletedContact(_ dir: TemporaryDirectory, sealed: Bool = false) throws -> UserStore {
        let store: UserStore
        if sealed {
            let sealing = SealedCatalogTextTests()
            store = try sealing.open(dir, try sealing.sealedRoot(dir))
        } else {
            store = try openStore(dir.url)
        }
        let run = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
        let contacts = try store.ensureFolder(
            FolderPath(["Contacts", "Personal"]), dav: DAVFolderInfo(href: "/alice/contacts/", properties: "{}"), run: run).folder
        let dora = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:dora\r\nFN:Dora Berg\r\nEMAIL:dora@example.net\r\n"
            + "EMAIL;TYPE=home:Dora.Berg@Private-Mail.example\r\nEMAIL:d.berg@club.example\r\nEND:VCARD\r\n"
        _ = try store.commit(ChangeBatch(added: [makeItem("dora.vcf", raw: Array(dora.utf8))]), to: contacts, run: run)
        let later = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_100))
        _ = try store.commit(ChangeBatch(vanished: ["dora.vcf"]), to: contacts, run: later)
        return store
    }

    @Test(arguments: ["dora@example.net", "dora.berg@private-mail.example", "D.Berg@Club.example", "@private-mail.example", "@club.example"])
    func aHoldOnAnyAddressOfAContactKeepsIt(sender: String) throws {
        let dir = TemporaryDirectory()
        let store = try storeWithADeletedContact(dir)
        _ = try store.addHold(LegalHold(reason: "case", sender: sender))
        let report = try store.purge(deletedBefore: .distantFuture, dryRun: false, run: nil)
        #expect(report.items == 0 && report.keptByHold == 1)
    }

    @Test(arguments: ["berg@club.example", "@mail.example", "other@example.net"])
    func aHoldOnAnotherSenderLetsTheContactGo(sender: String) throws {
        let dir = TemporaryDirectory()
        let store = try storeWithADeletedContact(dir)
        _ = try store.addHold(LegalHold(reason: "case", sender: sender))
        let report = try store.purge(deletedBefore: .distantFuture, dryRun: false, run: nil)
        #expect(report.items == 1 && report.keptByHold == 0)
    }

    @Test func aStoreSealingItsCatalogTextKeepsEveryContactUnderAHoldOnASender() throws {
        let dir = TemporaryDirectory()
        let store = try storeWithADeletedContact(dir, sealed: true)
        #expect(store.sealsCatalogText)
        _ = try store.addHold(LegalHold(reason: "case", sender: "other@example.net"))
        let report = try store.purge(deletedBefore: .distantFuture, dryRun: false, run: nil)
        #expect(report.items == 0 && report.keptByHold == 1)
    }
}
