import BrickCalendar
import BrickCore
import BrickMessage

/// An item ready to be written: its catalog fields and its encoded value.
struct PreparedItem {
    var item: SourceItem
    var summary: MessageSummary
    var header: ItemHeader
    var value: [UInt8]
    /// Set when the value is a reference to the item holding the same bytes.
    var sharedBody: BodyReference?
    /// Bytes the item takes in the store when more than its value (a segmented value:
    /// its segments too).
    var storedBytes: Int?
    /// The message's text for the full-text index, when the store indexes it.
    var text: String?
    /// What the catalog keeps of a calendar or contact item (a DAV folder's item).
    var dav: DAVItemSummary? = nil

    var sha256: [UInt8] { header.sha256 }
    var rawSize: Int { Int(header.rawSize) }
}
