import BrickCalendar
import BrickCore
import Foundation
import GRDB

extension UserStore {
    /// The catalog columns from `uid` to `open_ended` of an item row, in the order of
    /// `insertRow`'s statements. A mail item's come from its header summary; a calendar
    /// or contact item's from its iCalendar/vCard summary (FORMAT.md §4, format 9):
    /// `subject` the title, `sent_at` the start, `from_addr` the organizer or first
    /// e-mail, `to_addrs` the other addresses, no Message-ID. The text columns are sealed
    /// with `seal` when the store seals its catalog text (FORMAT.md §10.6).
    static func summaryArguments(
        _ entry: PreparedItem, seal: CatalogTextSeal?, folder: FolderID
    ) throws(StoreError) -> StatementArguments {
        let item = entry.item
        let uid = item.uid.map { Int64($0) }
        let modSeq = item.modSeq.map { Int64(bitPattern: $0) }
        let head: [(any DatabaseValueConvertible)?]
        let text: CatalogText
        let tail: [(any DatabaseValueConvertible)?]
        if let dav = entry.dav {
            let others = dav.addresses.dropFirst()
            head = [uid, modSeq, nil]
            text = CatalogText(values: [dav.title, nil, dav.addresses.first, others.isEmpty ? nil : others.joined(separator: ", "), nil])
            tail = [dav.start.map(seconds), dav.kind.rawValue, dav.uid, dav.end.map(seconds), dav.isOpenEnded ? 1 : 0]
        } else {
            let summary = entry.summary
            head = [uid, modSeq, summary.messageID]
            text = CatalogText(values: [
                summary.subject, summary.fromName, summary.fromAddress,
                summary.to.isEmpty ? nil : summary.to.joined(separator: ", "),
                summary.cc.isEmpty ? nil : summary.cc.joined(separator: ", "),
            ])
            tail = [summary.sentDate.map(seconds), nil, nil, nil, nil]
        }
        let columns = try ItemTextColumns(text, seal: seal, folder: folder, key: item.key.rawValue)
        return StatementArguments(head + columns.values + tail)
    }

    private static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
