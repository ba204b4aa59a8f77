@testable import BrickBundle
import Foundation
import Testing

/// A toy store of rows (key → flags, value) that bundles change, to check that a
/// consolidated bundle changes it exactly as the bundles it folds.
struct ToyStore: Equatable {
    static let row = BundleRecordType(rawValue: 2)
    static let value = BundleRecordType(rawValue: 3)
    static let removal = BundleRecordType(rawValue: 4)
    static let run = BundleRecordType(rawValue: 6)

    var rows: [String: Int64] = [:]
    var values: [String: [UInt8]] = [:]
    var runs: Set<Int64> = []

    enum Change {
        case row(String, flags: Int64, value: [UInt8]?)
        case remove(String)
        case run(Int64)
    }

    struct Schema: BundleRecordSchema {
        func isRaw(_ type: BundleRecordType) -> Bool { type == ToyStore.value }
        func role(of head: BundleRecordHead, fields: BundleFields?) throws -> RecordRole {
            switch head.type {
            case ToyStore.row, ToyStore.removal:
                let key = try fields?.requiredString(1) ?? ""
                return .state(identity: Array("item/\(key)".utf8), isRemoval: head.type == ToyStore.removal)
            case ToyStore.value: return .attached
            default: return .keepAll
            }
        }
    }

    static func write(
        _ changes: [Change], header: BundleHeader, to output: any BundleOutput, version: UInt16 = 2
    ) throws -> BundleTrailer {
        let writer = try BundleWriter(header: header, output: output, version: version)
        for change in changes {
            var fields = BundleFields()
            switch change {
            case .row(let key, let flags, let value):
                fields.set(1, key)
                fields.set(2, flags)
                try writer.append(row, fields)
                if let value {
                    try writer.appendStreamed(ToyStore.value, length: UInt64(value.count)) { try $0(value) }
                }
            case .remove(let key):
                fields.set(1, key)
                try writer.append(removal, fields)
            case .run(let id):
                fields.set(1, id)
                try writer.append(run, fields)
            }
        }
        return try writer.finish()
    }

    /// Writes a chain of bundles of `steps` for user alice into `directory`, one a day
    /// from `start`, bundle `n` (from 0) in bundle format `version(n)`; returns the state
    /// a replica has after each.
    static func writeChain(
        _ steps: [[Change]], into directory: URL, start: Date, version: (Int) -> UInt16 = { _ in 2 }
    ) throws -> [ToyStore] {
        var parent: [UInt8] = []
        var states: [ToyStore] = []
        var state = ToyStore()
        for (offset, changes) in steps.enumerated() {
            let sequence = UInt64(offset + 1)
            let header = BundleHeader(
                storeID: "S", user: "alice", sequence: sequence, parentSequence: sequence - 1, parentDigest: parent,
                kind: offset == 0 ? .full : .incremental, createdAt: start + Double(offset) * 86_400,
                brickVersion: "test", fromRun: Int64(offset), toRun: Int64(offset + 1))
            let output = try BundleFileOutput(directory: directory, user: "alice", sequence: sequence)
            parent = try write(changes, header: header, to: output, version: version(offset)).digest
            try output.commit()
            try state.apply(output.url)
            states.append(state)
        }
        return states
    }

    mutating func apply(_ url: URL) throws {
        let reader = try #require(try BundleReader.next(from: BundleFileInput(url: url)))
        if reader.header.kind == .full { self = ToyStore() }
        var lastKey = ""
        while let head = try reader.nextRecord() {
            switch head.type {
            case ToyStore.value:
                var bytes: [UInt8] = []
                try reader.readPayload(chunkSize: 100) { bytes += $0 }
                values[lastKey] = bytes
            default:
                let fields = try reader.readFields()
                switch head.type {
                case ToyStore.row:
                    lastKey = try fields.requiredString(1)
                    rows[lastKey] = try fields.requiredInt(2)
                case ToyStore.removal:
                    let key = try fields.requiredString(1)
                    rows[key] = nil
                    values[key] = nil
                default:
                    runs.insert(try fields.requiredInt(1))
                }
            }
        }
    }
}

@Suite struct BundleConsolidationTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("consolidate-\(UUID().uuidString)")
    let day: TimeInterval = 86_400
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// Writes a chain of bundles, one a day, and returns the replica state after each.
    func writeChain(_ steps: [[ToyStore.Change]]) throws -> [ToyStore] {
        try ToyStore.writeChain(steps, into: directory, start: start)
    }

    var steps: [[ToyStore.Change]] {
        [
            [.run(1), .row("A", flags: 0, value: [1, 1]), .row("B", flags: 0, value: [2, 2])],
            [.run(2), .row("A", flags: 1, value: nil), .row("C", flags: 0, value: [3])],
            [.run(3), .remove("B"), .row("A", flags: 1, value: [9, 9, 9])],
            [.run(4), .row("D", flags: 5, value: [4]), .remove("D")],
            [.run(5), .row("B", flags: 7, value: [2, 2, 2]), .row("C", flags: 2, value: nil)],
        ]
    }

    @Test func everyKeptPointIsRebuiltExactlyFromTheConsolidatedChain() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let states = try writeChain(steps)
        // One bundle a day; keeping the last two days folds 1, 2, 3 into 4, and 5 stays.
        let report = try BundleConsolidation.run(
            directory: directory, user: "alice", policy: BundleRetention(daily: 2, weekly: 0, monthly: 0),
            schema: ToyStore.Schema(), brickVersion: "test", dryRun: false)
        #expect(report.kept == [4, 5])
        #expect(report.folds.map { $0.bundles.map(\.header.sequence) } == [[1, 2, 3, 4]])
        let (chain, folded) = try BundleDirectory.chain(in: directory, user: "alice")
        #expect(folded.isEmpty)
        #expect(chain.map(\.header.sequence) == [4, 5])
        #expect(chain[0].header.kind == .full, "a fold that starts with a full bundle is a full bundle")
        #expect(chain[0].header.firstSequence == 1)
        var replica = ToyStore()
        try replica.apply(chain[0].url)
        #expect(replica == states[3], "the point of bundle 4")
        try replica.apply(chain[1].url)
        #expect(replica == states[4], "the point of bundle 5")
        #expect(report.bytesAfter < report.bytesBefore)
    }

    @Test func aFoldInTheMiddleAppliesOnTheStateBeforeIt() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let states = try writeChain(steps)
        let (chain, _) = try BundleDirectory.chain(in: directory, user: "alice")
        let output = try BundleFileOutput(directory: directory, user: "alice", sequence: 4)
        let trailer = try BundleConsolidation.consolidate(
            Array(chain[1...3]), schema: ToyStore.Schema(), brickVersion: "test", into: output)
        try output.commit()
        let reader = try #require(try BundleReader.next(from: BundleFileInput(url: output.url)))
        while try reader.nextRecord() != nil {}
        #expect(reader.header.kind == .consolidated)
        #expect(reader.header.parentSequence == 1 && reader.header.parentDigest == chain[1].header.parentDigest)
        #expect(reader.chainDigest != trailer.digest, "it stands in for bundle 4 in the chain")
        #expect(chain[4].header.parentDigest == reader.chainDigest, "bundle 5 still names it as parent")
        var replica = states[0]
        try replica.apply(output.url)
        #expect(replica == states[3])
        let (after, folded) = try BundleDirectory.chain(in: directory, user: "alice")
        #expect(after.map(\.header.sequence) == [1, 4, 5], "bundles 2 and 3, folded, are hidden")
        #expect(folded.count == 2)
    }

    @Test func retentionKeepsTheNewestOfEachDayWeekAndMonth() {
        let hour: TimeInterval = 3600
        // Two bundles a day (01:00 and 13:00 UTC) for 60 days.
        let midnight = Date(timeIntervalSince1970: 20_717 * day)
        let bundles = (0..<120).map { (sequence: UInt64($0 + 1), createdAt: midnight + hour + Double($0) * 12 * hour) }
        let kept = BundleRetention(daily: 3, weekly: 2, monthly: 2).kept(bundles)
        #expect(kept.contains(120), "the newest")
        #expect(kept.isSuperset(of: [120, 118, 116]), "the newest of the last three days")
        #expect(kept.count <= 1 + 3 + 2 + 2)
        #expect(BundleRetention(daily: 0, weekly: 0, monthly: 0).kept(bundles) == [120])
    }
}
