import BrickBundle
@testable import BrickOffsite
@testable import BrickStore
import Foundation
import Testing

/// A full export reads the stored records straight from the item files' pages
/// (docs/DESIGN.md, "Direct reads"): the bundle's records are those of an export that
/// reads through Berkeley DB, and a damaged page fails the export as it does there.
@Suite struct ExportDirectReadsTests {
    /// Alice backed up: small messages in two folders and one past the streaming
    /// threshold (16 MB), stored in segments (body kind 2, docs/FORMAT.md §3).
    private func backedUp() throws -> OffsiteWorkspace {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        for folder in [".Archive", ".Sent"] {
            for part in ["cur", "new", "tmp"] {
                try FileManager.default.createDirectory(at: mail.root.appendingPathComponent("\(folder)/\(part)"), withIntermediateDirectories: true)
            }
            for number in 0..<12 {
                try mail.addMessage(name: "17100000\(number)0.M\(number)P1.direct", subject: "\(folder) message \(number)", in: folder)
            }
        }
        var random = SystemRandomNumberGenerator()
        let attachment = Data((0..<(13 << 20)).map { _ in UInt8.random(in: 0...255, using: &random) })
        try Data(("From: big@example.org\r\nSubject: large\r\nMessage-ID: <large@e2e>\r\n\r\n"
            + attachment.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])).utf8)
            .write(to: mail.root.appendingPathComponent(".Archive/new/1710000999.M9P1.large"))
        try site.backup()
        return site
    }

    private func open(_ site: OffsiteWorkspace) throws -> UserStore {
        try UserStore(layout: StoreLayout(userDirectory: site.work.store.appendingPathComponent("alice")), mode: .readWrite)
    }

    private func export(_ store: UserStore, target: String, inPlace: Bool) throws -> (ExportReport, [UInt8]) {
        var exporter = BundleExporter(target: target, full: true, brickVersion: "test")
        exporter.readsInPlace = inPlace
        let output = BundleMemoryOutput()
        let report = try exporter.export(store, to: output, commit: {})
        return (report, output.bytes)
    }

    @Test func aFullExportReadsEveryRecordInPlaceAndWritesTheRecordsOfACachedRead() throws {
        let site = try backedUp()
        let store = try open(site)
        defer { withExtendedLifetime(site) {} }
        let (direct, directBundle) = try export(store, target: "direct", inPlace: true)
        let (cached, cachedBundle) = try export(store, target: "cached", inPlace: false)

        #expect(direct.values == cached.values && direct.values > 20)
        // Every record read: the values, and the large message's segments after its own.
        #expect(direct.recordsReadInPlace > direct.values)
        #expect(direct.recordsReadThroughCache == 0)
        #expect(cached.recordsReadInPlace == 0)
        let left = try ExportValueThreadsTests.records(directBundle)
        let right = try ExportValueThreadsTests.records(cachedBundle)
        let differing = left.indices.first { $0 < right.count && (left[$0].type != right[$0].type || left[$0].payload != right[$0].payload) }
        #expect(left.count == right.count && differing == nil, "record \(differing ?? -1) differs")
    }

    /// A byte changed on an overflow page of an item file: the page is not read in
    /// place, Berkeley DB reads it and finds its checksum wrong, and the export fails
    /// naming the file, as one without direct reads does.
    @Test func aDamagedPageFailsTheExportAsACachedReadDoes() throws {
        let site = try backedUp()
        let root = site.work.store.appendingPathComponent("alice")
        let files = (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix("/items.db") }.map { root.appendingPathComponent($0) }
        let largest = try #require(files.max { size($0) < size($1) })
        let handle = try FileHandle(forUpdating: largest)
        let offset = UInt64(size(largest) / 2 / 16384 * 16384 + 9000)
        try handle.seek(toOffset: offset)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: [byte ^ 0x20])
        try handle.close()

        for inPlace in [true, false] {
            weak var closed: UserStore?
            do {
                let reopened = try open(site)
                closed = reopened
                #expect(performing: { _ = try export(reopened, target: "damaged-\(inPlace)", inPlace: inPlace) }, throws: { error in
                    guard case StoreError.damagedFile(_, let path, _) = error else { return false }
                    return largest.path.hasSuffix(path)
                })
            }
            // The value threads let go of the store (and its writer lock) as they end,
            // just after the export returns.
            let deadline = Date().addingTimeInterval(30)
            while closed != nil && Date() < deadline { usleep(10_000) }
        }
    }

    private func size(_ url: URL) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }
}
