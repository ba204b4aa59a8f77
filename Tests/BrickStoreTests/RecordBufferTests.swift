import BrickCore
@testable import BrickStore
import Foundation
import Testing

/// The buffer a sealed store's item files seal records into (docs/DESIGN.md
/// "Encryption at rest"): reused up to a sealed segment, never shared by two records.
@Suite struct RecordBufferTests {
    @Test func recordsUpToASealedSegmentReuseOneBufferOfTheSizeAsked() {
        let buffer = RecordBuffer()
        let first = buffer.with(count: 1_000) { ($0.baseAddress, $0.count) }
        let larger = buffer.with(count: 300_000) { ($0.baseAddress, $0.count) }
        let again = buffer.with(count: 2_000) { ($0.baseAddress, $0.count) }
        let segment = buffer.with(count: RecordBuffer.keptCapacity) { ($0.baseAddress, $0.count) }
        let afterSegment = buffer.with(count: 300_000) { ($0.baseAddress, $0.count) }
        #expect(first.1 == 1_000 && larger.1 == 300_000 && again.1 == 2_000 && segment.1 == RecordBuffer.keptCapacity)
        #expect(again.0 == larger.0, "a smaller record reuses the grown buffer")
        #expect(afterSegment.0 == segment.0, "the buffer of a whole segment is kept")
    }

    @Test func aRecordLargerThanASegmentOrSealedWhileTheBufferIsHeldGetsItsOwn() {
        let buffer = RecordBuffer()
        let kept = buffer.with(count: 100_000) { $0.baseAddress }
        let large = buffer.with(count: RecordBuffer.keptCapacity + 1) { $0.baseAddress }
        #expect(large != kept)
        let (outer, inner) = buffer.with(count: 100_000) { outer in
            (outer.baseAddress, buffer.with(count: 100_000) { $0.baseAddress })
        }
        #expect(outer == kept)
        #expect(inner != outer, "a second record at the same time must not write into the first one's buffer")
        #expect(buffer.with(count: 10) { $0.baseAddress } == kept)
    }

    @Test func recordsOfMixedSizesSealedOneAfterAnotherEachOpenToTheirOwnBytes() throws {
        let dir = TemporaryDirectory()
        let secret = StoreKeySecret.generateKeyFile()
        _ = try SealedRoot.create(root: dir.url, secrets: [secret], existingUsers: [])
        let keyring = StoreKeyring()
        keyring.add(secret)
        // Large first, then smaller ones: a stale tail of an earlier record in the
        // reused buffer would show as a bad tag or wrong bytes. The 5 MB message is
        // stored whole (above the kept buffer), the 20 MB one in sealed segments.
        let sizes = [5_000_000, 300_000, 40_000, 3_000, 1_000_000, 500]
        let raws = sizes.map { randomMessage($0) }
        let large = largeMessage(megabytes: 20, subject: "Segmented")
        do {
            let store = try UserStore(layout: StoreLayout(root: dir.url, user: "alice"), user: "alice", mode: .readWrite, keyring: keyring)
            let run = try store.beginRun(kind: "backup")
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            var batch = ChangeBatch(added: raws.enumerated().map { makeItem("m\($0.offset)", raw: $0.element) })
            batch.streamed = [StreamedItem(key: ItemKey("big"), flags: ItemFlags(), internalDate: Date(timeIntervalSince1970: 1_772_532_000), body: InMemoryByteStream(large))]
            _ = try store.commit(batch, to: inbox, run: run)
            try store.finishRun(run, totals: RunTotals(), status: "ok")
        }
        let store = try UserStore(layout: StoreLayout(root: dir.url, user: "alice"), user: "alice", mode: .readOnly, keyring: keyring)
        for (index, raw) in raws.enumerated() {
            #expect(try store.readItem(item(store, .inbox, "m\(index)")).raw == raw, "m\(index)")
        }
        #expect(try store.openBody(item(store, .inbox, "big")).readAll() == large)
        let report = try store.verify()
        #expect(report.isIntact && report.itemsChecked == sizes.count + 1, "\(report.problems)")
    }
}
