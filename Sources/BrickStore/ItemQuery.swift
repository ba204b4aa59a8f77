import BrickCore
import Foundation

/// Which items a listing or restore selects. All set filters must match (AND).
public struct ItemQuery: Sendable, Equatable {
    /// How deleted items are treated.
    public enum DeletedFilter: String, Sendable, CaseIterable {
        /// Only items present upstream at the last backup (the default).
        case no
        /// Present and deleted items alike.
        case yes
        /// Only items deleted upstream ("bring back what the user deleted").
        case only
    }

    /// Which date the period applies to.
    public enum DateField: String, Sendable, CaseIterable {
        /// The internal (received) date.
        case received
        /// The Date header.
        case sent
    }

    /// Folders to search; empty means all.
    public var folders: [FolderPath] = []
    /// Whether `folders` includes their subfolders.
    public var recursive = false
    /// An address (case-insensitive) or `@domain`.
    public var sender: String?
    /// Inclusive start of the period.
    public var periodBegin: Date?
    /// Exclusive end of the period.
    public var periodEnd: Date?
    /// The date the period applies to.
    public var dateField: DateField = .received
    /// Keys to select; empty means any.
    public var keys: [ItemKey] = []
    /// Deleted-state filter; ignored when `asOf` is set.
    public var deleted: DeletedFilter = .no
    /// The mailbox as it was at the last backup run starting on or before this date.
    public var asOf: Date?
    /// At most this many rows.
    public var limit: Int?
    /// A full-text query (FTS5 syntax, see `TextQuery`) over subject, sender,
    /// recipients and, where the store indexes it, the message text.
    public var text: String?
    /// A full-text query over the subject only.
    public var subject: String?

    /// A query that selects every present item.
    public init() {}
}
