import BrickCalendar
import BrickCore
import Foundation
import GRDB

extension UserStore {
    /// The catalog columns from `uid` to `open_ended` of an item row, in the order of
    /// `insertRow`'s statements. A mail item's come from its header summary; a calendar
    /// or contact item's from its iCalendar/vCard summary (FORMAT.md §4, format 9):
    /// `subject` the title, `sent_at` the start, `from_addr` the organizer or first
    /// e-mail, `to_addrs` the other addresses, no Message-ID.
    static func summaryArguments(_ entry: PreparedItem) -> StatementArguments {
        let item = entry.item
        let uid = item.uid.map { Int64($0) }
        let modSeq = item.modSeq.map { Int64(bitPattern: $0) }
        if let dav = entry.dav {
            let first = dav.addresses.first
            let others = dav.addresses.dropFirst()
            return [
                uid, modSeq, nil, first, first.flatMap(domain(of:)), nil,
                others.isEmpty ? nil : others.joined(separator: ", "), nil,
                dav.title, dav.start.map(seconds), dav.kind.rawValue, dav.uid, dav.end.map(seconds), dav.isOpenEnded ? 1 : 0,
            ]
        }
        let summary = entry.summary
        return [
            uid, modSeq, summary.messageID,
            summary.fromAddress, summary.fromAddress.flatMap(domain(of:)), summary.fromName,
            summary.to.isEmpty ? nil : summary.to.joined(separator: ", "),
            summary.cc.isEmpty ? nil : summary.cc.joined(separator: ", "),
            summary.subject, summary.sentDate.map(seconds), nil, nil, nil, nil,
        ]
    }

    private static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
