import BrickBundle

/// The store's record types in an off-site bundle (docs/FORMAT.md §8.1). A bundle holds
/// them in this order: purges, folder rows, item rows (each followed by its value when
/// the bundle carries one), runs.
extension BundleRecordType {
    /// A folder row, whole (fields: `OffsiteColumns.folders`).
    static let folder = BundleRecordType(rawValue: 1)
    /// An item row, whole (fields: `OffsiteColumns.items`).
    static let item = BundleRecordType(rawValue: 2)
    /// The stored value of the item row before it: the Berkeley DB value's bytes, as is.
    static let value = BundleRecordType(rawValue: 3)
    /// An item purged (fields: 1 run, 2 folder id, 3 key).
    static let purgedItem = BundleRecordType(rawValue: 4)
    /// A folder purged (fields: 1 run, 2 folder id).
    static let purgedFolder = BundleRecordType(rawValue: 5)
    /// A run row, whole (fields: `OffsiteColumns.runs`).
    static let run = BundleRecordType(rawValue: 6)
    /// A setting row, whole (fields: `OffsiteColumns.settings`); skippable.
    static let setting = BundleRecordType(rawValue: 7)
    /// A setting version purged (fields: 1 run, 2 setting id); skippable.
    static let purgedSetting = BundleRecordType(rawValue: 8)
    /// A legal hold row, whole (fields: `OffsiteColumns.holds`); skippable.
    static let hold = BundleRecordType(rawValue: 9)
    /// The flags, MODSEQ and deletion mark of an item row that changed nothing else
    /// (fields: `OffsiteColumns.itemChange`, the item row's tags); not skippable.
    static let itemChange = BundleRecordType(rawValue: 10)
}

/// Field tags of the setting purge record.
enum PurgedSettingTag {
    static let run: UInt16 = 1
    static let setting: UInt16 = 2
}

/// Field tags of the purge records.
enum PurgeTag {
    static let run: UInt16 = 1
    static let folder: UInt16 = 2
    static let key: UInt16 = 3
}

/// How a catalog column travels: its field tag and its value kind.
struct OffsiteColumn: Sendable {
    enum Kind: Sendable { case integer, text, bytes }
    var name: String
    var tag: UInt16
    var kind: Kind
}

/// The field tables of the row records (docs/FORMAT.md §8.1). Tags are never reused;
/// a new catalog column gets a new tag, and a reader that does not know a tag ignores it.
enum OffsiteColumns {
    static let folders = table([
        ("id", .integer), ("parent_id", .integer), ("name", .text), ("path", .text), ("upstream_name", .text),
        ("special_use", .text), ("identity", .text), ("sync_token", .text), ("directory", .text), ("added_run", .integer),
        ("added_at", .integer), ("deleted_run", .integer), ("deleted_at", .integer), ("updated_run", .integer),
        ("dav_href", .text), ("dav_properties", .text),
    ])

    static let items = table([
        ("id", .integer), ("folder_id", .integer), ("key", .text), ("uid", .integer), ("modseq", .integer),
        ("message_id", .text), ("from_addr", .text), ("from_domain", .text), ("from_name", .text), ("to_addrs", .text),
        ("cc_addrs", .text), ("subject", .text), ("sent_at", .integer), ("received_at", .integer), ("size", .integer),
        ("stored_size", .integer), ("flags", .text), ("sha256", .bytes), ("added_run", .integer), ("added_at", .integer),
        ("updated_run", .integer), ("updated_at", .integer), ("deleted_run", .integer), ("deleted_at", .integer),
        ("body_folder_id", .integer), ("body_key", .text), ("email_id", .text), ("value_run", .integer),
        ("kind", .text), ("item_uid", .text), ("ends_at", .integer), ("open_ended", .integer),
    ])

    /// The columns an item change (record 10) carries: the row's identity and what a
    /// backup changes in a row it keeps (flags, MODSEQ, deletion mark), with the
    /// tags of `items`.
    static let itemChange = items.filter { itemChangeNames.contains($0.name) }
    static let itemChangeNames: Set<String> = ["folder_id", "key", "modseq", "flags", "updated_run", "updated_at", "deleted_run", "deleted_at"]

    static let runs = table([
        ("id", .integer), ("kind", .text), ("source", .text), ("started_at", .integer), ("finished_at", .integer),
        ("status", .text), ("items_added", .integer), ("items_updated", .integer), ("items_deleted", .integer),
        ("items_purged", .integer), ("folders_added", .integer), ("folders_deleted", .integer), ("bytes_added", .integer),
        ("error_count", .integer), ("errors", .text), ("items_skipped", .integer), ("folders_skipped", .integer),
        // Format 11: calendar and contact items by kind; a bundle of an older store
        // lacks them, and the replica's columns then keep their default, 0.
        ("events_added", .integer), ("events_changed", .integer), ("events_deleted", .integer),
        ("tasks_added", .integer), ("tasks_changed", .integer), ("tasks_deleted", .integer),
        ("journals_added", .integer), ("journals_changed", .integer), ("journals_deleted", .integer),
        ("contacts_added", .integer), ("contacts_changed", .integer), ("contacts_deleted", .integer),
        ("dav_other_added", .integer), ("dav_other_changed", .integer), ("dav_other_deleted", .integer),
    ])

    static let settings = table([
        ("id", .integer), ("kind", .text), ("folder_path", .text), ("name", .text), ("content", .bytes), ("sha256", .bytes),
        ("added_run", .integer), ("added_at", .integer), ("replaced_run", .integer), ("replaced_at", .integer),
    ])

    static let holds = table([
        ("id", .integer), ("reason", .text), ("sender", .text), ("period_begin", .integer), ("period_end", .integer),
        ("until_at", .integer), ("added_run", .integer), ("added_at", .integer), ("removed_run", .integer), ("removed_at", .integer),
    ])

    /// Tags are the positions in the list, from 1.
    private static func table(_ columns: [(String, OffsiteColumn.Kind)]) -> [OffsiteColumn] {
        columns.enumerated().map { OffsiteColumn(name: $0.element.0, tag: UInt16($0.offset + 1), kind: $0.element.1) }
    }
}
