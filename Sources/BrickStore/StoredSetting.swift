import BrickCore
import Foundation
import GRDB

/// One version of a setting as the catalog keeps it (docs/FORMAT.md §4, `settings`).
public struct StoredSetting: Sendable, Hashable {
    /// The row's id.
    public var id: Int64
    /// The setting: kind, folder, name, content.
    public var setting: MailSetting
    /// SHA-256 of the content.
    public var sha256: [UInt8]
    /// The run that stored this version, and its time.
    public var addedRun: RunID
    /// See `addedRun`.
    public var addedAt: Date
    /// The run that found it changed or gone upstream, and its time; nil while current.
    public var replacedRun: RunID?
    /// See `replacedRun`.
    public var replacedAt: Date?

    init(row: Row) {
        id = row["id"]
        let folderText: String = row["folder_path"]
        let kind = SettingKind(rawValue: row["kind"]) ?? .metadata
        setting = MailSetting(
            kind: kind, folder: folderText.isEmpty ? nil : FolderPath(parsing: folderText), name: row["name"],
            content: [UInt8](row["content"] as Data))
        sha256 = [UInt8](row["sha256"] as Data)
        addedRun = row["added_run"]
        addedAt = Row.date(row, "added_at") ?? Date(timeIntervalSince1970: 0)
        replacedRun = row["replaced_run"]
        replacedAt = Row.date(row, "replaced_at")
    }

    /// The `folder_path` column's text: the folder's text form, empty for the account.
    static func folderColumn(_ folder: FolderPath?) -> String { folder?.description ?? "" }
}

/// What recording a settings snapshot changed.
public struct SettingsChange: Sendable, Hashable {
    /// Settings new in the store.
    public var added = 0
    /// Settings whose content changed: the old version was marked replaced.
    public var changed = 0
    /// Settings gone upstream: marked replaced, with no new version.
    public var removed = 0

    /// Creates empty counts.
    public init() {}
}
