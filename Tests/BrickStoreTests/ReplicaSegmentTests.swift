import BrickCore
@testable import BrickStore
import Foundation
import Testing

/// A replica's item file when a segmented value (body kind 2) is replaced under the
/// same key: the records of the old value beyond the new one go with it.
@Suite struct ReplicaSegmentTests {
    @Test func aSegmentedValueReplacedByASmallOneLeavesNoSegmentOnTheReplica() throws {
        let dir = TemporaryDirectory()
        let segments = SegmentedValueTests()
        let folderDirectory: String
        do {
            let primary = try openStore(dir.url.appendingPathComponent("primary"))
            let replica = try openStore(dir.url.appendingPathComponent("replica"))
            let first = try primary.beginRun(kind: "backup")
            let inbox = try primary.ensureFolder(.inbox, run: first).folder
            var batch = ChangeBatch()
            batch.streamed = [segments.streamed("k", segments.raw)]
            _ = try primary.commit(batch, to: inbox, run: first)
            try primary.finishRun(first, totals: RunTotals(), status: "ok")
            try ship(primary, after: 0, to: replica, sequence: 1)
            #expect(try replica.readItem(item(replica, .inbox, "k")).raw == segments.raw)

            let second = try primary.beginRun(kind: "backup")
            let small = makeMessage()
            _ = try primary.commit(ChangeBatch(added: [makeItem("k", raw: small)]), to: inbox, run: second)
            try primary.finishRun(second, totals: RunTotals(), status: "ok")
            try ship(primary, after: first.id, to: replica, sequence: 2)

            #expect(try replica.readItem(item(replica, .inbox, "k")).raw == small)
            let report = try replica.verify()
            #expect(report.problems.isEmpty, "\(report.problems)")
            folderDirectory = try #require(try replica.folders().first { $0.path == .inbox }).directory

        }
        #expect(try segments.recordKeys(dir.url.appendingPathComponent("replica"), folderDirectory: folderDirectory) == ["k"])
    }
}
