import BrickCore
import BrickStore
import Foundation
import Testing

/// Legal holds in the store: purge keeps what an active hold covers and says how many.
struct LegalHoldTests {
    /// A store with four items from two senders, all marked deleted upstream.
    private func storeWithDeletedItems(_ dir: TemporaryDirectory) throws -> UserStore {
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
        let inbox = try store.ensureFolder(.inbox, run: run1).folder
        _ = try store.commit(ChangeBatch(added: [
            makeItem("a1", received: 1_735_700_000, raw: makeMessage(from: "Carol <carol@client.example>", subject: "One")),
            makeItem("a2", received: 1_738_400_000, raw: makeMessage(from: "Carol <carol@client.example>", subject: "Two")),
            makeItem("b1", received: 1_735_700_000, raw: makeMessage(from: "Dan <dan@other.example>", subject: "Three")),
            makeItem("b2", received: 1_738_400_000, raw: makeMessage(from: "Dan <dan@other.example>", subject: "Four")),
        ]), to: inbox, run: run1)
        let run2 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_100))
        _ = try store.commit(ChangeBatch(vanished: ["a1", "a2", "b1", "b2"]), to: inbox, run: run2)
        return store
    }

    private func keys(_ store: UserStore) throws -> [String] {
        var query = ItemQuery()
        query.deleted = .yes
        return try store.items(matching: query).map(\.key.rawValue).sorted()
    }

    @Test func aHoldOnTheWholeMailboxKeepsEveryItemUntilRemoved() throws {
        let dir = TemporaryDirectory()
        let store = try storeWithDeletedItems(dir)
        let hold = try store.addHold(LegalHold(reason: "Case 17"))
        let kept = try store.purge(deletedBefore: .distantFuture, dryRun: false, run: nil)
        #expect(kept.items == 0 && kept.keptByHold == 4)
        #expect(try keys(store) == ["a1", "a2", "b1", "b2"])
        #expect(try store.verify().problems.isEmpty)

        #expect(try store.removeHolds(ids: [hold.id], reason: "closed").map(\.id) == [hold.id])
        let purged = try store.purge(deletedBefore: .distantFuture, dryRun: false, run: nil)
        #expect(purged.items == 4 && purged.keptByHold == 0)
        #expect(try keys(store).isEmpty)
        // Placing and removing were runs of kind hold.
        #expect(try store.runs().filter { $0.kind == "hold" }.count == 2)
    }

    @Test func aHoldOnASenderAndAPeriodKeepsJustThoseItems() throws {
        let dir = TemporaryDirectory()
        let store = try storeWithDeletedItems(dir)
        _ = try store.addHold(LegalHold(reason: "sender", sender: "@CLIENT.example"))
        _ = try store.addHold(LegalHold(
            reason: "period", periodBegin: Date(timeIntervalSince1970: 1_738_000_000), periodEnd: Date(timeIntervalSince1970: 1_739_000_000)))
        let report = try store.purge(deletedBefore: .distantFuture, dryRun: false, run: nil)
        #expect(report.items == 1 && report.keptByHold == 3)
        #expect(try keys(store) == ["a1", "a2", "b2"])
    }

    @Test func anExpiredHoldKeepsNothing() throws {
        let dir = TemporaryDirectory()
        let store = try storeWithDeletedItems(dir)
        var hold = LegalHold(reason: "short", until: Date().addingTimeInterval(3600))
        hold = try store.addHold(hold)
        #expect(hold.isActive())
        #expect(!hold.isActive(at: Date().addingTimeInterval(7200)))
        #expect(try store.purge(deletedBefore: .distantFuture, dryRun: true, run: nil).keptByHold == 4)
        // A hold that ended: written as such by hand (time cannot be moved in a test).
        let other = try storeWithDeletedItems(TemporaryDirectory())
        _ = try other.addHold(LegalHold(reason: "ended", until: Date(timeIntervalSince1970: 1_000)))
        #expect(try other.purge(deletedBefore: .distantFuture, dryRun: false, run: nil).items == 4)
    }

    @Test func aHeldCopyKeepsItsBytesWhenTheHolderIsPurged() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run1 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
        let inbox = try store.ensureFolder(.inbox, run: run1).folder
        let archive = try store.ensureFolder(FolderPath(["Archive"]), run: run1).folder
        let raw = makeMessage(from: "Carol <carol@client.example>", subject: "Shared")
        _ = try store.commit(ChangeBatch(added: [makeItem("h", received: 1_735_700_000, raw: raw)]), to: inbox, run: run1)
        _ = try store.commit(ChangeBatch(added: [makeItem("r", received: 1_738_400_000, raw: raw)]), to: archive, run: run1)
        let run2 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_100))
        _ = try store.commit(ChangeBatch(vanished: ["h"]), to: inbox, run: run2)
        _ = try store.commit(ChangeBatch(vanished: ["r"]), to: archive, run: run2)
        // Only the Archive copy, which refers to INBOX's bytes, is held: the holder goes
        // and hands its bytes on.
        _ = try store.addHold(LegalHold(
            reason: "copy", periodBegin: Date(timeIntervalSince1970: 1_738_000_000), periodEnd: Date(timeIntervalSince1970: 1_739_000_000)))
        let report = try store.purge(deletedBefore: .distantFuture, dryRun: false, run: nil)
        #expect(report.items == 1 && report.keptByHold == 1)
        #expect(try store.readItem(item(store, FolderPath(["Archive"]), "r")).raw == raw)
        #expect(try store.verify().problems.isEmpty)
    }
}
