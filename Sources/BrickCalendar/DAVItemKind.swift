/// What kind of calendar or address-book resource a DAV item is: the catalog's `kind`
/// column keeps the raw value (docs/FORMAT.md, catalog format 9).
public enum DAVItemKind: String, Sendable, Codable {
    /// A VEVENT.
    case event
    /// A VTODO.
    case task
    /// A VJOURNAL.
    case journal
    /// A vCard.
    case contact
    /// Anything else, including bytes that parse as neither iCalendar nor vCard.
    case other
}
