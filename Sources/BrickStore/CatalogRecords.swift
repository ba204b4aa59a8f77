import BrickCore
import Foundation
import GRDB

/// Identifies a folder in a user's store.
public typealias FolderID = Int64
/// Identifies a backup or purge run.
public typealias RunID = Int64

/// A folder as the catalog holds it.
public struct StoredFolder: Sendable, Hashable {
    /// The folder's id (its directory name).
    public var id: FolderID
    /// The parent folder, nil for a top-level folder.
    public var parentID: FolderID?
    /// The folder's path.
    public var path: FolderPath
    /// The name as upstream spells it.
    public var upstreamName: String?
    /// The special use recorded for it.
    public var specialUse: SpecialUse?
    /// Rename evidence (see `SourceFolder.identity`).
    public var identity: String?
    /// The source's sync token from the last committed batch.
    public var syncToken: String?
    /// Its directory relative to the user directory.
    public var directory: String
    /// The run that added it.
    public var addedRun: RunID
    /// When it was found gone upstream, or nil while it exists.
    public var deletedAt: Date?
    /// The run that found it gone.
    public var deletedRun: RunID?
    /// The URL path of the CalDAV/CardDAV collection it mirrors; nil for mail.
    public var davHref: String?
    /// The collection's properties as JSON (FORMAT.md §4, `folders.dav_properties`).
    public var davProperties: String?

    /// True while the folder exists upstream (as of the last backup).
    public var isDeleted: Bool { deletedRun != nil }

    /// The kind of listing that speaks for this folder (see `FolderScope`).
    public var scope: FolderScope { davHref == nil ? .mail : .dav }

    init(row: Row) {
        davHref = row["dav_href"]
        davProperties = row["dav_properties"]
        id = row["id"]
        parentID = row["parent_id"]
        path = FolderPath(parsing: row["path"])
        upstreamName = row["upstream_name"]
        specialUse = (row["special_use"] as String?).flatMap(SpecialUse.init(rawValue:))
        identity = row["identity"]
        syncToken = row["sync_token"]
        directory = row["directory"]
        addedRun = row["added_run"]
        deletedRun = row["deleted_run"]
        deletedAt = Row.date(row, "deleted_at")
    }
}

/// One item's catalog row: what `index` lists and restore selects on.
public struct CatalogItem: Sendable, Hashable {
    /// The folder holding it.
    public var folderID: FolderID
    /// That folder's path.
    public var folderPath: FolderPath
    /// The item's key.
    public var key: ItemKey
    /// Upstream UID, when known.
    public var uid: UInt32?
    /// Message-ID without angle brackets.
    public var messageID: String?
    /// Sender address, lowercased.
    public var fromAddress: String?
    /// Sender display name.
    public var fromName: String?
    /// Recipients (To), comma-separated addresses.
    public var to: String?
    /// Recipients (Cc), comma-separated addresses.
    public var cc: String?
    /// Subject, decoded.
    public var subject: String?
    /// The Date header.
    public var sentDate: Date?
    /// The internal (received) date.
    public var receivedDate: Date
    /// Raw size in bytes.
    public var size: Int64
    /// Bytes the stored value takes (header + compressed frame).
    public var storedSize: Int64
    /// Current flags.
    public var flags: ItemFlags
    /// SHA-256 of the raw bytes.
    public var sha256: [UInt8]
    /// When the item was first backed up.
    public var addedAt: Date
    /// When it was marked deleted, or nil while present upstream.
    public var deletedAt: Date?
    /// A calendar or contact item's kind (`event`, `task`, `journal`, `contact`,
    /// `other`); nil for a mail message. Its start is `sentDate`, its title `subject`.
    public var kind: String?
    /// A calendar or contact item's iCalendar/vCard UID.
    public var itemUID: String?
    /// An event's end (of its last occurrence), when it has one.
    public var endDate: Date?
    /// True for a recurring event without an end.
    public var isOpenEnded = false

    /// True when the item is gone upstream.
    public var isDeleted: Bool { deletedAt != nil }

    /// The item of `row`; its sealed text (FORMAT.md §10.6) is opened with `textSeal`
    /// when given, else the text fields stay nil.
    init(row: Row, folderPath: FolderPath, textSeal: CatalogTextSeal? = nil) {
        folderID = row["folder_id"]
        self.folderPath = folderPath
        key = ItemKey(row["key"] as String)
        uid = (row["uid"] as Int64?).map { UInt32(truncatingIfNeeded: $0) }
        messageID = row["message_id"]
        fromAddress = row["from_addr"]
        fromName = row["from_name"]
        to = row["to_addrs"]
        cc = row["cc_addrs"]
        subject = row["subject"]
        sentDate = Row.date(row, "sent_at")
        receivedDate = Row.date(row, "received_at") ?? Date(timeIntervalSince1970: 0)
        size = row["size"]
        storedSize = row["stored_size"]
        flags = ItemFlags(catalogText: row["flags"])
        sha256 = [UInt8](row["sha256"] as Data)
        addedAt = Row.date(row, "added_at") ?? Date(timeIntervalSince1970: 0)
        deletedAt = Row.date(row, "deleted_at")
        kind = row["kind"]
        itemUID = row["item_uid"]
        endDate = Row.date(row, "ends_at")
        isOpenEnded = (row["open_ended"] as Int64?) == 1
        if let textSeal, let sealed = row["sealed_text"] as Data?,
           let text = try? textSeal.open([UInt8](sealed), folder: folderID, key: key.rawValue) {
            fromAddress = text["from_addr"]
            fromName = text["from_name"]
            to = text["to_addrs"]
            cc = text["cc_addrs"]
            subject = text["subject"]
        }
    }
}

/// One backup or purge run as the `runs` table records it.
public struct RunRecord: Sendable, Hashable {
    /// The run's id.
    public var id: RunID
    /// `backup` or `purge`.
    public var kind: String
    /// When it started.
    public var startedAt: Date
    /// When it finished, or nil if it never did (killed).
    public var finishedAt: Date?
    /// `running`, `ok`, `partial` or `failed`.
    public var status: String
    /// Counters.
    public var itemsAdded: Int, itemsUpdated: Int, itemsDeleted: Int, itemsPurged: Int
    /// Items and folders seen upstream but not backed up in this run.
    public var itemsSkipped: Int, foldersSkipped: Int
    /// Raw bytes of the items the run added.
    public var bytesAdded: Int64
    /// The number of errors the run recorded.
    public var errorCount: Int
    /// The source the run read (no credentials), nil for a purge.
    public var source: String?
    /// Errors recorded, one per line.
    public var errors: String?
    /// The calendar and contact items among the item counts, by kind (none in a run
    /// recorded before format 11).
    public var dav: DAVChangeCounts

    init(row: Row) {
        id = row["id"]
        kind = row["kind"]
        startedAt = Row.date(row, "started_at") ?? Date(timeIntervalSince1970: 0)
        finishedAt = Row.date(row, "finished_at")
        status = row["status"]
        itemsAdded = row["items_added"]
        itemsUpdated = row["items_updated"]
        itemsDeleted = row["items_deleted"]
        itemsPurged = row["items_purged"]
        itemsSkipped = row["items_skipped"]
        foldersSkipped = row["folders_skipped"]
        bytesAdded = row["bytes_added"] ?? 0
        errorCount = row["error_count"] ?? 0
        source = row["source"]
        errors = row["errors"]
        dav = DAVChangeCounts(runRow: row)
    }
}

extension Row {
    /// A column of seconds since 1970 as a date, nil for NULL.
    static func date(_ row: Row, _ column: String) -> Date? {
        (row[column] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }
}
