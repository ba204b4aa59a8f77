import BrickCore
import Crypto
import Foundation
import GRDB

/// One problem `verify` found.
public struct VerifyProblem: Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem.
    public enum Kind: String, Sendable {
        /// A catalog row whose value is missing.
        case missingValue = "missing"
        /// A value that does not decode, or whose bytes do not hash to the row's SHA-256.
        case damagedValue = "damaged"
        /// A value no row refers to (left by an interrupted run; harmless).
        case orphanValue = "orphan"
        /// A folder's item file that does not read as a Berkeley DB file: the values it
        /// still held past the damage are not checked (its key is empty).
        case damagedFile = "damaged-file"
    }
    /// The kind.
    public var kind: Kind
    /// The folder.
    public var folder: FolderPath
    /// The item key.
    public var key: String
    /// Details.
    public var detail: String

    public var description: String {
        key.isEmpty ? "\(kind.rawValue): \(folder): \(detail)" : "\(kind.rawValue): \(folder) \(key): \(detail)"
    }
}

/// The outcome of `verify`.
public struct VerifyReport: Sendable {
    /// Rows checked.
    public var itemsChecked = 0
    /// Raw bytes checked (bytes shared with another item count once).
    public var bytesChecked: Int64 = 0
    /// Items whose value refers to another item holding the same bytes.
    public var sharedItems = 0
    /// Items of a sealed store checked without the key: their sealed records are there
    /// and well formed, but were neither opened nor decompressed nor hashed.
    public var sealedNotChecked = 0
    /// Problems found.
    public var problems: [VerifyProblem] = []
    /// True when no row lacks or has a damaged value (orphans are harmless).
    public var isIntact: Bool { !problems.contains { $0.kind != .orphanValue } }
}

extension UserStore {
    /// Checks every item: each row has a value that decompresses (LZ4 content checksum)
    /// and hashes to the row's SHA-256, or that refers to a value holding those bytes;
    /// values with no row are reported as orphans.
    /// `progress` is called after each item with the running count.
    public func verify(progress: (Int) -> Void = { _ in }) throws(StoreError) -> VerifyReport {
        var report = VerifyReport()
        mutex.lock()
        defer { mutex.unlock() }
        for folder in try folders(includeDeleted: true) {
            var rows = try readCatalog { db in
                var rows: [String: [UInt8]] = [:]
                let cursor = try Row.fetchCursor(db, sql: "SELECT key, sha256 FROM items WHERE folder_id = ?", arguments: [folder.id])
                while let row = try cursor.next() { rows[row[0]] = [UInt8](row[1] as Data) }
                return rows
            }
            let file = layout.url(StoreLayout.itemsFile(folderDirectory: folder.directory))
            if FileManager.default.fileExists(atPath: file.path) {
                do {
                    try readingItemFile(of: folder.id) { () throws(StoreError) in
                        try withBlobs { try checkValues(of: folder, rows: &rows, report: &report, progress: progress) }
                    }
                } catch {
                    guard case .damagedFile(_, let path, let detail) = error else { throw error }
                    report.itemsChecked += rows.count
                    report.problems.append(VerifyProblem(
                        kind: .damagedFile, folder: folder.path, key: "",
                        detail: "\(path): \(detail); \(rows.count) items not checked"))
                    continue
                }
            }
            for key in rows.keys.sorted() {
                report.itemsChecked += 1
                report.problems.append(VerifyProblem(kind: .missingValue, folder: folder.path, key: key, detail: "catalog row with no value"))
            }
        }
        return report
    }

    /// Walks one folder's item file, checking each value against its row and taking
    /// the rows it finds out of `rows`. Call with `mutex` held.
    private func checkValues(
        of folder: StoredFolder, rows: inout [String: [UInt8]], report: inout VerifyReport, progress: (Int) -> Void
    ) throws {
        let file = try database(for: folder)
        if file.isLocked { return try checkSealedRecords(of: folder, file: file, rows: &rows, report: &report, progress: progress) }
        let cursor = try file.cursor()
        defer { cursor.close() }
        var walk = SegmentWalk()
        while let (keyBytes, opened) = try cursor.nextRecord() {
            if try !isFoundBySearch(keyBytes, in: file, of: folder, rows: &rows, report: &report) { continue }
            let value: [UInt8]
            let record: SegmentWalk.Record
            switch opened {
            case .success(let plain):
                value = plain
                record = walk.classify(key: keyBytes, value: plain)
            case .failure(let error):
                record = walk.classify(key: keyBytes, unreadable: ())
                if case .item = record, rows.removeValue(forKey: String(decoding: keyBytes, as: UTF8.self)) != nil {
                    report.itemsChecked += 1
                    report.problems.append(VerifyProblem(
                        kind: .damagedValue, folder: folder.path, key: String(decoding: keyBytes, as: UTF8.self), detail: "\(error)"))
                    continue
                }
                value = []
            }
            switch record {
            case .item: break
            case .segment: continue
            case .stranded(let item, let index):
                report.problems.append(VerifyProblem(
                    kind: .orphanValue, folder: folder.path, key: SegmentWalk.name(item: item, index: index),
                    detail: "segment record of no item"))
                continue
            }
            let key = String(decoding: keyBytes, as: UTF8.self)
            guard let expected = rows.removeValue(forKey: key) else {
                report.problems.append(VerifyProblem(kind: .orphanValue, folder: folder.path, key: key, detail: "value with no catalog row"))
                continue
            }
            report.itemsChecked += 1
            do {
                if let detail = try check(value, of: BodyReference(folderID: folder.id, key: ItemKey(key)), expected: expected, report: &report) {
                    report.problems.append(VerifyProblem(kind: .damagedValue, folder: folder.path, key: key, detail: detail))
                }
            } catch {
                report.problems.append(VerifyProblem(kind: .damagedValue, folder: folder.path, key: key, detail: "\(error)"))
            }
            progress(report.itemsChecked)
        }
    }

    /// Without the key: every row has an item record, and every record is a sealed record
    /// of plausible size; nothing is opened. Segment records are not told from item
    /// records by their (sealed) values, only by their keys.
    private func checkSealedRecords(
        of folder: StoredFolder, file: ItemFile, rows: inout [String: [UInt8]], report: inout VerifyReport, progress: (Int) -> Void
    ) throws {
        let cursor = try file.cursor()
        defer { cursor.close() }
        while let (keyBytes, stored) = try cursor.nextStored() {
            if try !isFoundBySearch(keyBytes, in: file, of: folder, rows: &rows, report: &report) { continue }
            let isSegment = SegmentKey.parse(keyBytes) != nil
            let key = String(decoding: keyBytes, as: UTF8.self)
            guard ValueSeal.isSealed(stored), stored.count >= ValueSeal.overhead + (isSegment ? 1 : ItemHeader.fixedSize) else {
                let name = SegmentKey.parse(keyBytes).map { SegmentWalk.name(item: $0.item, index: $0.index) } ?? key
                report.problems.append(VerifyProblem(kind: .damagedValue, folder: folder.path, key: name, detail: "not a sealed record"))
                continue
            }
            guard !isSegment else { continue }
            guard rows.removeValue(forKey: key) != nil else {
                report.problems.append(VerifyProblem(kind: .orphanValue, folder: folder.path, key: key, detail: "value with no catalog row"))
                continue
            }
            report.itemsChecked += 1
            report.sealedNotChecked += 1
            progress(report.itemsChecked)
        }
    }

    /// Whether a search for a record the cursor walk found finds it too. The walk goes
    /// along the leaf pages; a restore searches from the root through the internal
    /// pages, and an item file without page checksums (docs/FORMAT.md §3) has nothing
    /// else that shows damage to those. A record not found is reported as a damaged
    /// item (its row taken out of `rows`), since a restore could not read it.
    private func isFoundBySearch(
        _ keyBytes: [UInt8], in file: ItemFile, of folder: StoredFolder, rows: inout [String: [UInt8]], report: inout VerifyReport
    ) throws -> Bool {
        if try file.contains(keyBytes) { return true }
        let segment = SegmentKey.parse(keyBytes)
        let name = segment.map { SegmentWalk.name(item: $0.item, index: $0.index) } ?? String(decoding: keyBytes, as: UTF8.self)
        if segment == nil, rows.removeValue(forKey: name) != nil { report.itemsChecked += 1 }
        report.problems.append(VerifyProblem(
            kind: .damagedValue, folder: folder.path, key: name,
            detail: "not found by a search for its key: the file's internal pages are damaged"))
        return false
    }

    /// What is wrong with one value, or nil when it is sound. A value holding its bytes
    /// is decompressed and hashed; a reference must lead to a value that holds bytes
    /// with the same SHA-256 (that value is checked in its own folder).
    private func check(_ value: [UInt8], of item: BodyReference, expected: [UInt8], report: inout VerifyReport) throws -> String? {
        let (header, body) = try ItemValue.decodeHeader(value)
        switch body {
        case .inline:
            let (_, raw) = try ItemValue.decode(value, decompressor: decompressor)
            report.bytesChecked += Int64(raw.count)
            return Array(SHA256.hash(data: raw)) == expected ? nil : "SHA-256 mismatch"
        case .segmented:
            // The reader checks every segment, the checksum and the header's SHA-256.
            let reader = try frameReader(header: header, holder: item, holderValue: value, locking: false)
            report.bytesChecked += Int64(clamping: try reader.readToEnd())
            return header.sha256 == expected ? nil : "SHA-256 mismatch"
        case .shared(let reference):
            report.sharedItems += 1
            guard let holder = try holderValue(reference) else { return "the item holding its bytes (\(reference)) is missing" }
            let (holderHeader, holderBody) = try ItemValue.decodeHeader(holder)
            guard holderBody.holdsBytes else { return "the item holding its bytes (\(reference)) is itself a reference" }
            return header.sha256 == expected && holderHeader.sha256 == expected ? nil : "SHA-256 mismatch with the item holding its bytes (\(reference))"
        }
    }
}
