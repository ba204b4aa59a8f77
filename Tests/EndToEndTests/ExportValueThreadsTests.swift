import BrickBundle
@testable import BrickOffsite
@testable import BrickStore
import Foundation
import Testing

/// The export reads values on two threads and appends them in the pages' order: the
/// bundle's records must equal those of one thread, record for record.
@Suite struct ExportValueThreadsTests {
    /// Each record of `bundle`: its type and payload.
    static func records(_ bundle: [UInt8]) throws -> [(type: UInt16, payload: [UInt8])] {
        let reader = try #require(try BundleReader.next(from: BundleMemoryInput(bundle)))
        var records: [(type: UInt16, payload: [UInt8])] = []
        while let head = try reader.nextRecord() {
            var payload: [UInt8] = []
            try reader.readPayload(chunkSize: 1 << 16) { payload += $0 }
            records.append((head.type.rawValue, payload))
        }
        return records
    }

    /// A full bundle of `store` for `target`, values read by `threads` threads from pages
    /// of `page` rows, each thread keeping at most `budget` bytes ahead of its turn.
    static func export(_ store: UserStore, target: String, threads: Int, page: Int, budget: Int) throws -> [UInt8] {
        var exporter = BundleExporter(target: target, full: true, brickVersion: "test")
        exporter.valueThreads = threads
        exporter.itemPageLimit = page
        exporter.valueBudget = budget
        let output = BundleMemoryOutput()
        _ = try exporter.export(store, to: output, commit: {})
        return output.bytes
    }

    /// The records `ItemStage` appends of `pages`, queued at once, read by `threads`.
    static func staged(
        _ store: UserStore, _ pages: [[ItemJob]], threads: Int, pageAppended: (@Sendable () -> Void)? = nil
    ) throws -> [(type: UInt16, payload: [UInt8])] {
        let header = BundleHeader(
            storeID: "s", user: store.user, sequence: 1, parentSequence: 0, parentDigest: [], kind: .full, createdAt: Date(),
            brickVersion: "test", fromRun: 0, toRun: 1)
        let output = BundleMemoryOutput()
        let writer = try BundleWriter(header: header, output: output)
        let stage = ItemStage(store: store, writer: writer, threads: threads, capacity: pages.count, pageAppended: pageAppended)
        for page in pages { try stage.send(page) }
        _ = try stage.finish()
        _ = try writer.finish()
        return try records(output.bytes)
    }

        @Test func twoValueThreadsWriteTheRecordsOfOneInTheSameOrder() throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        for folder in [".Archive", ".Lists.Swift", ".Sent"] {
            for part in ["cur", "new", "tmp"] {
                try FileManager.default.createDirectory(at: mail.root.appendingPathComponent("\(folder)/\(part)"), withIntermediateDirectories: true)
            }
            for number in 0..<9 {
                try mail.addMessage(name: "17000000\(number)0.M\(number)P1.threads", subject: "\(folder) message \(number)", in: folder)
            }
        }
        try site.backup()
        let store = try UserStore(layout: StoreLayout(userDirectory: site.work.store.appendingPathComponent("alice")), mode: .readWrite)

        let one = try Self.records(try Self.export(store, target: "one", threads: 1, page: 256, budget: 8 << 20))
        #expect(one.filter { $0.type == 3 }.count > 40, "the store has values in several folders")
        for (page, budget) in [(3, 8 << 20), (5, 1), (256, 8 << 20)] {
            let two = try Self.records(try Self.export(store, target: "two-\(page)-\(budget)", threads: 2, page: page, budget: budget))
            let differing = one.indices.first { $0 < two.count && (one[$0].type != two[$0].type || one[$0].payload != two[$0].payload) }
            #expect(one.count == two.count && differing == nil, "pages of \(page), budget \(budget): record \(differing ?? -1) differs")
        }

        // A long page, then a short one queued with it: the short one's thread is done
        // first and must wait for its turn.
        var jobs: [ItemJob] = []
        _ = try BundleExporter(target: "t", full: true, brickVersion: "test")
            .itemPage(store, after: 0, kind: .full, following: nil, into: &jobs, limit: 10_000)
        let pages = [Array(jobs.dropLast()), [jobs[jobs.count - 1]]]
        let single = try Self.staged(store, pages, threads: 1)
        let appended = AppendedPages()
        let double = try Self.staged(store, pages, threads: 2, pageAppended: { appended.count() })
        #expect(single.map(\.type) == double.map(\.type) && single.map(\.payload) == double.map(\.payload))
        #expect(single.last?.type == 3 && single.count == 2 * jobs.count)
        #expect(appended.total == pages.count, "each page said appended once (the read-ahead drops files by it)")
    }

    /// Counts the pages `ItemStage` says it has appended.
    final class AppendedPages: @unchecked Sendable {
        private let lock = NSLock()
        private var pages = 0
        var total: Int { lock.withLock { pages } }
        func count() { lock.withLock { pages += 1 } }
    }
}
