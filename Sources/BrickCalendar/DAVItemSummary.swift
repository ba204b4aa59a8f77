import Foundation

/// What the catalog keeps of one calendar object or vCard.
public struct DAVItemSummary: Sendable, Equatable {
    /// The kind of the master component, or `.contact` for a vCard.
    public var kind: DAVItemKind
    /// iCalendar UID of the master, or the vCard UID.
    public var uid: String?
    /// SUMMARY of the master component, or vCard FN (unfolded, unescaped).
    public var title: String?
    /// Start of the first occurrence, the master's DTSTART unless an EXDATE or an
    /// override moves it: all-day dates at 00:00 UTC, floating times read as UTC, TZID
    /// times converted with the object's VTIMEZONE or Foundation's TimeZone; nil for
    /// contacts.
    public var start: Date?
    /// End of the last occurrence (RRULE UNTIL/COUNT, RDATE, less EXDATE, overridden
    /// RECURRENCE-IDs where moved; `OccurrenceSpan`); nil when open-ended or without an end.
    public var end: Date?
    /// True for an RRULE with neither UNTIL nor COUNT.
    public var isOpenEnded: Bool
    /// Events and tasks: the ORGANIZER address first, then the ATTENDEE addresses;
    /// contacts: the EMAIL values. Lower-cased, without "mailto:".
    public var addresses: [String]
    /// Empty when the bytes parse as valid iCalendar or vCard; otherwise short reasons
    /// (the item is still kept byte for byte).
    public var problems: [String]

    /// Creates a summary.
    public init(
        kind: DAVItemKind, uid: String? = nil, title: String? = nil, start: Date? = nil, end: Date? = nil,
        isOpenEnded: Bool = false, addresses: [String] = [], problems: [String] = []
    ) {
        self.kind = kind
        self.uid = uid
        self.title = title
        self.start = start
        self.end = end
        self.isOpenEnded = isOpenEnded
        self.addresses = addresses
        self.problems = problems
    }
}
