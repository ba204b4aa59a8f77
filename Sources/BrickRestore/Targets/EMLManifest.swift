import BrickCore
import BrickMessage
import Foundation

/// `manifest.csv` at the root of an .eml restore: one record per file written.
///
/// Columns: folder (the folder path's text form), file (relative to the root, `/`
/// separated), key, message_id (without brackets), from (`Name <address>` or the
/// address), subject (decoded), received (the internal date, ISO 8601 UTC), size
/// (bytes), flags (IMAP names separated by spaces). Later runs append; the header
/// record is written once, when the file is created.
enum EMLManifest {
    /// The file name at the root of the target.
    static let fileName = "manifest.csv"

    /// The header record.
    static let columns = ["folder", "file", "key", "message_id", "from", "subject", "received", "size", "flags"]

    /// One row of the manifest.
    struct Row {
        var folder: FolderPath
        var file: String
        var key: ItemKey
        var messageID: String?
        var from: String?
        var subject: String?
        var received: Date
        var size: Int
        var flags: ItemFlags

        /// The row for `item`, written to `file`, with what its header says.
        init(item: RestoreItem, folder: FolderPath, file: String, summary: MessageSummary) {
            self.folder = folder
            self.file = file
            self.key = item.key
            self.messageID = summary.messageID
            if let address = summary.fromAddress {
                self.from = MailAddress(name: summary.fromName, address: address).description
            }
            self.subject = summary.subject
            self.received = item.internalDate
            self.size = item.size
            self.flags = item.flags
        }

        /// The CSV record.
        var record: String {
            CSV.record([
                folder.description, file, key.rawValue, messageID ?? "", from ?? "", subject ?? "",
                EMLManifest.iso8601(received), String(size), flags.description,
            ])
        }
    }

    /// `2026-11-23T12:55:41Z`.
    static func iso8601(_ date: Date) -> String {
        let time = UTCDateTime(date)
        return "\(pad(time.year, 4))-\(pad(time.month))-\(pad(time.day))T"
            + "\(pad(time.hour)):\(pad(time.minute)):\(pad(time.second))Z"
    }

    /// Seconds since 1970 of an `iso8601` text, or nil.
    static func seconds(iso8601 text: String) -> Int64? {
        let parts = text.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int($0) }
        guard parts.count == 6 else { return nil }
        return UTCDateTime(
            year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4], second: parts[5]
        ).secondsSince1970
    }

    /// `value` in decimal, zero-padded to `width` digits.
    static func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
