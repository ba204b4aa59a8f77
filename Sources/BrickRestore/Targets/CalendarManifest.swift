import BrickCore
import Foundation

/// `manifest.csv` at the root of an `ics:` or `vcf:` restore: one record per item
/// written, so a second run finds what is there.
///
/// Columns: folder (the folder path's text form), file (relative to the root, `/`
/// separated), key, kind (a DAVItemKind raw value), uid, title, start (ISO 8601 UTC or
/// empty), received (the item's date in the store, ISO 8601 UTC), identity and digest
/// (the restore fingerprint's identity and the content digest of the item's bytes as
/// backed up, `MessageFingerprint` in BrickMessage). The file of a collection holds
/// the item rewritten (folded, its VTIMEZONEs shared), so the digests of the bytes as
/// backed up are kept here. Later runs append; the header is written once.
enum CalendarManifest {
    /// The file name at the root of the target.
    static let fileName = "manifest.csv"

    /// The header record.
    static let columns = ["folder", "file", "key", "kind", "uid", "title", "start", "received", "identity", "digest"]

    /// The rows of `bytes` as dictionaries by column, the header record left out.
    static func rows(_ bytes: [UInt8]) -> [[String: String]] {
        var records = CSV.records(bytes)
        var names = columns
        if let first = records.first, first.contains("digest") {
            names = first
            records.removeFirst()
        }
        return records.map { record in
            var row: [String: String] = [:]
            for (name, value) in zip(names, record) where row[name] == nil { row[name] = value }
            return row
        }
    }

    /// One record.
    static func record(_ values: [String: String]) -> String {
        CSV.record(columns.map { values[$0] ?? "" })
    }
}
