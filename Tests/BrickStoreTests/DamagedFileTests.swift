import BrickCore
@testable import BrickStore
import Foundation
import LZ4
import Testing

/// One damaged item file is reported and isolated: every other folder is still
/// verified and read (docs/RELIABILITY.md, "Store and disk").
@Suite struct DamagedFileTests {
    /// Three folders of ten items each, written and closed.
    private func makeStore(_ root: URL) throws -> [FolderPath: [String: [UInt8]]] {
        let store = try openStore(root)
        let run = try store.beginRun(kind: "backup")
        var written: [FolderPath: [String: [UInt8]]] = [:]
        for name in ["A", "B", "C"] {
            let path = FolderPath([name])
            let folder = try store.ensureFolder(path, run: run).folder
            var items: [SourceItem] = []
            for index in 0..<10 {
                let raw = randomMessage(30_000)
                items.append(makeItem("\(name)\(index)", raw: raw))
                written[path, default: [:]]["\(name)\(index)"] = raw
            }
            _ = try store.commit(ChangeBatch(added: items), to: folder, run: run)
        }
        return written
    }

    private func damage(_ root: URL, folder: String, at offset: Int) throws {
        let store = try openStore(root, mode: .readOnly)
        let directory = try #require(try store.folder(at: FolderPath([folder]))).directory
        let file = store.layout.url(StoreLayout.itemsFile(folderDirectory: directory)).path
        let handle = try #require(FileHandle(forUpdatingAtPath: file))
        try handle.seek(toOffset: UInt64(offset))
        handle.write(Data(repeating: 0xA5, count: 64))
        try handle.close()
    }

    /// Offsets 0 (the metadata page), 4096 (inside the metadata page, past what it
    /// uses: reported by the page checksum or harmless), 16384 (the first data page of
    /// 16 KiB pages) and one inside an overflow page.
    @Test(arguments: [0, 4096, 16384, 3 * 16384 + 1000])
    func aDamagedPageIsReportedAndEveryOtherFolderIsVerifiedAndRead(offset: Int) throws {
        let dir = TemporaryDirectory()
        let written = try makeStore(dir.url)
        try damage(dir.url, folder: "B", at: offset)

        let store = try openStore(dir.url, mode: .readOnly)
        let report = try store.verify()
        #expect(report.problems.allSatisfy { $0.folder == FolderPath(["B"]) }, "\(report.problems)")
        #expect(report.itemsChecked == 30)
        if offset != 4096 { #expect(!report.isIntact) }
        var read = 0
        var damagedRead = 0
        for item in try store.items(matching: ItemQuery()) {
            let want = try #require(written[item.folderPath]?[item.key.rawValue])
            if item.folderPath == FolderPath(["B"]) {
                // Either reported as damaged, or really intact: never wrong bytes.
                if let raw = try? store.readItem(item).raw { #expect(raw == want) } else { damagedRead += 1 }
            } else {
                #expect(try store.readItem(item).raw == want)
                read += 1
            }
        }
        #expect(read == 20)
        if report.isIntact { #expect(damagedRead == 0) }
        // A writer opening the store afterwards recovers it for the healthy folders.
        let writer = try openStore(dir.url)
        #expect(try writer.verify().problems.allSatisfy { $0.folder == FolderPath(["B"]) })
    }
}

/// Lengths read from a damaged value are bounded before any conversion or allocation.
@Suite struct DamagedValueBoundsTests {
    private func value(rawSize: UInt64) throws -> [UInt8] {
        let header = ItemHeader(flags: .none, internalDate: 0, rawSize: 5, uid: 0, modSeq: 0, sha256: Array(repeating: 1, count: 32))
        var value = try ItemValue.encode(header: header, raw: Array("Hello".utf8), compressor: LZ4Frame())
        withUnsafeBytes(of: rawSize.littleEndian) { value.replaceSubrange(16..<24, with: $0) }
        return value
    }

    @Test(arguments: [UInt64.max, UInt64(Int64.max) + 1, 5 << 30, 1 << 20])
    func aHugeRawSizeInTheHeaderIsReportedNotAllocated(rawSize: UInt64) throws {
        #expect(throws: ItemValue.DecodingError.implausibleSize(rawSize)) {
            try ItemValue.decode(value(rawSize: rawSize), decompressor: LZ4Frame())
        }
    }

    @Test func aFrameThatHoldsMoreThanItsHeaderSaysIsRefused() throws {
        let frame = try LZ4Frame().compress(Array(repeating: 7, count: 100_000))
        #expect(throws: LZ4Error.self) { try LZ4Frame().decompress(frame[...], expectedSize: Int.max, limit: 10) }
        #expect(try LZ4Frame().decompress(frame[...], expectedSize: Int.max).count == 100_000)
    }

    @Test func statsCountAllocatedBlocksAndNoRegionFiles() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("1", raw: randomMessage(10_000))]), to: inbox, run: run)
        // A sparse file of 256 MB takes no blocks.
        let sparse = store.layout.url("folders/sparse")
        #expect(FileManager.default.createFile(atPath: sparse.path, contents: nil))
        try FileHandle(forWritingTo: sparse).truncate(atOffset: 256 << 20)
        #expect(try store.stats().diskBytes < 16 << 20)
    }
}
