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
    }
    /// The kind.
    public var kind: Kind
    /// The folder.
    public var folder: FolderPath
    /// The item key.
    public var key: String
    /// Details.
    public var detail: String

    public var description: String { "\(kind.rawValue): \(folder) \(key): \(detail)" }
}

/// The outcome of `verify`.
public struct VerifyReport: Sendable {
    /// Rows checked.
    public var itemsChecked = 0
    /// Raw bytes checked.
    public var bytesChecked: Int64 = 0
    /// Problems found.
    public var problems: [VerifyProblem] = []
    /// True when no row lacks or has a damaged value (orphans are harmless).
    public var isIntact: Bool { !problems.contains { $0.kind != .orphanValue } }
}

extension UserStore {
    /// Checks every item: each row has a value that decompresses (LZ4 content checksum)
    /// and hashes to the row's SHA-256; values with no row are reported as orphans.
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
                try withBlobs {
                    let cursor = try database(for: folder).cursor()
                    defer { cursor.close() }
                    while let (keyBytes, value) = try cursor.next() {
                        let key = String(decoding: keyBytes, as: UTF8.self)
                        guard let expected = rows.removeValue(forKey: key) else {
                            report.problems.append(VerifyProblem(kind: .orphanValue, folder: folder.path, key: key, detail: "value with no catalog row"))
                            continue
                        }
                        report.itemsChecked += 1
                        do {
                            let (_, raw) = try ItemValue.decode(value, decompressor: decompressor)
                            report.bytesChecked += Int64(raw.count)
                            if Array(SHA256.hash(data: raw)) != expected {
                                report.problems.append(VerifyProblem(kind: .damagedValue, folder: folder.path, key: key, detail: "SHA-256 mismatch"))
                            }
                        } catch {
                            report.problems.append(VerifyProblem(kind: .damagedValue, folder: folder.path, key: key, detail: "\(error)"))
                        }
                        progress(report.itemsChecked)
                    }
                }
            }
            for key in rows.keys.sorted() {
                report.itemsChecked += 1
                report.problems.append(VerifyProblem(kind: .missingValue, folder: folder.path, key: key, detail: "catalog row with no value"))
            }
        }
        return report
    }
}
