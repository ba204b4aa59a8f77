import BrickCalendar
import BrickCore
import BrickMessage
import Foundation
import GRDB

/// A folder as the catalog rebuild found it in the folder tree.
struct RebuiltFolder {
    /// The folder's id (its directory's name).
    var id: FolderID
    /// Its directory, relative to the user directory.
    var directory: String
    /// True when another folder directory with the same path has the larger id.
    var deleted: Bool
    /// True when its `dav` file names a CalDAV/CardDAV collection (`DAVFolderFile`).
    var isDAV: Bool
}

/// The columns of a rebuilt item row that come from the item's bytes, as a backup
/// writes them (`UserStore.summaryArguments`, docs/FORMAT.md §4): a message's from its
/// header fields; a calendar or contact item's (in a DAV folder) from its iCalendar or
/// vCard summary: title as subject, start as `sent_at`, organizer or first e-mail as
/// sender, the other addresses as recipients, and kind, UID, end and open end.
struct RebuiltSummary {
    /// `message_id` (NULL for a calendar or contact item).
    var messageID: String?
    /// `subject`, `from_name`, `from_addr`, `to_addrs`, `cc_addrs`.
    var text: CatalogText
    /// `sent_at`, in seconds.
    var sentAt: Int64?
    /// `kind`, `item_uid`, `ends_at`, `open_ended` (all NULL for a message).
    var davColumns: [(any DatabaseValueConvertible)?]

    /// The columns of `raw`, an item of a DAV folder when `isDAV`.
    init(raw: [UInt8], isDAV: Bool) {
        if isDAV {
            let dav = DAVItemParser.summarize(raw)
            let others = dav.addresses.dropFirst()
            messageID = nil
            text = CatalogText(values: [dav.title, nil, dav.addresses.first, others.isEmpty ? nil : others.joined(separator: ", "), nil])
            sentAt = dav.start.map(Self.seconds)
            davColumns = [dav.kind.rawValue, dav.uid, dav.end.map(Self.seconds), dav.isOpenEnded ? 1 : 0]
        } else {
            let summary = MessageSummary(parsing: raw)
            messageID = summary.messageID
            text = CatalogText(values: [
                summary.subject, summary.fromName, summary.fromAddress,
                summary.to.isEmpty ? nil : summary.to.joined(separator: ", "),
                summary.cc.isEmpty ? nil : summary.cc.joined(separator: ", "),
            ])
            sentAt = summary.sentDate.map(Self.seconds)
            davColumns = [nil, nil, nil, nil]
        }
    }

    private static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
