/// Why iCalendar or vCard bytes could not be written into a collection.
public enum CalendarFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes hold no calendar component or vCard.
    case noComponents

    /// A readable account of the failure.
    public var description: String {
        switch self {
        case .noComponents: "no iCalendar component or vCard in the item"
        }
    }
}
