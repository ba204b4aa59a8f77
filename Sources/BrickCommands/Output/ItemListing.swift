import ArgumentParser
import BrickCore
import BrickStore
import Foundation

/// Output formats of item listings.
enum ListingFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json

    /// Table on a terminal, CSV otherwise.
    static var automatic: ListingFormat { Terminal.stdoutIsTTY ? .table : .csv }
}

/// Writes catalog items as a table, CSV or JSON, one at a time (a listing of a million
/// items needs no more memory than one).
final class ItemListing {
    private let format: ListingFormat
    private let withUser: Bool
    private var count = 0
    private var bytes: Int64 = 0

    /// A listing in `format`; with `withUser`, a first column names each item's user
    /// (a search across users).
    init(format: ListingFormat, withUser: Bool = false) {
        self.format = format
        self.withUser = withUser
    }

    /// For a calendar or contact item, `sent` is its start, `from` its organizer or
    /// first e-mail, `subject` its title; `kind` and `end` are empty for mail.
    static let columns = ["key", "folder", "received", "sent", "from", "subject", "size", "flags", "deleted", "kind", "end"]

    private var columns: [String] { (withUser ? ["user"] : []) + Self.columns }

    /// Writes the header (if the format has one).
    func begin() {
        switch format {
        case .table:
            Terminal.write(row(columns.map { $0.uppercased() }) + "\n")
        case .csv:
            Terminal.write(CSV.record(columns, lineEnd: "\n"))
        case .json:
            Terminal.write("[")
        }
    }

    /// Writes one item (of `user`, in a listing with a user column).
    func write(_ item: CatalogItem, user: String? = nil) {
        let userField = withUser ? [user ?? ""] : []
        switch format {
        case .table:
            let from = item.fromName.map { "\($0) <\(item.fromAddress ?? "")>" } ?? item.fromAddress ?? ""
            Terminal.write(row(userField + [
                item.key.rawValue, item.folderPath.description, Formatting.date(item.receivedDate), Formatting.date(item.sentDate),
                from, item.subject ?? "", Formatting.bytes(item.size), item.flags.description,
                item.deletedAt.map(Formatting.date) ?? "", item.kind ?? "", item.isOpenEnded ? "open" : Formatting.date(item.endDate),
            ]) + "\n")
        case .csv:
            let fields = userField + [
                item.key.rawValue, item.folderPath.description, Formatting.isoDate(item.receivedDate), Formatting.isoDate(item.sentDate),
                item.fromAddress ?? "", item.subject ?? "", "\(item.size)", item.flags.description, Formatting.isoDate(item.deletedAt),
                item.kind ?? "", item.isOpenEnded ? "open" : Formatting.isoDate(item.endDate),
            ]
            Terminal.write(CSV.record(fields, lineEnd: "\n"))
        case .json:
            var object: [String: Any] = [
                "key": item.key.rawValue, "folder": item.folderPath.description,
                "received": Formatting.isoDate(item.receivedDate), "sent": item.sentDate.map(Formatting.isoDate) ?? NSNull(),
                "from": item.fromAddress ?? NSNull(), "fromName": item.fromName ?? NSNull(), "subject": item.subject ?? NSNull(),
                "messageID": item.messageID ?? NSNull(), "size": item.size, "flags": item.flags.imapNames,
                "deleted": item.deletedAt.map(Formatting.isoDate) ?? NSNull(),
                "sha256": item.sha256.map { String(format: "%02x", $0) }.joined(),
            ]
            if withUser { object["user"] = user ?? "" }
            if let kind = item.kind {
                object["kind"] = kind
                object["uid"] = item.itemUID ?? NSNull()
                object["end"] = item.isOpenEnded ? "open" as Any : item.endDate.map(Formatting.isoDate) as Any? ?? NSNull()
            }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            Terminal.write((count == 0 ? "\n  " : ",\n  ") + String(decoding: data, as: UTF8.self))
        }
        count += 1
        bytes += item.size
    }

    /// Closes the listing; on a table, a count line follows.
    func end(summary: Bool) {
        switch format {
        case .json: Terminal.write(count == 0 ? "]\n" : "\n]\n")
        case .csv: break
        case .table:
            if summary { Terminal.write("\(Formatting.count(count)) items, \(Formatting.bytes(bytes))\n") }
        }
    }

    /// Items written so far and their bytes.
    var totals: (items: Int, bytes: Int64) { (count, bytes) }

    private func row(_ fields: [String]) -> String {
        let widths = (withUser ? [14] : []) + [26, 18, 16, 16, 28, 30, 8, 16, 16, 7, 16]
        return zip(fields, widths).map { field, width in
            let clean = field.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
            let clipped = Formatting.clip(clean, width)
            return clipped + String(repeating: " ", count: max(0, width - clipped.count))
        }.joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}
