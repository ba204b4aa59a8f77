/// Writes many calendar object resources as one VCALENDAR, the `.ics` file a calendar
/// client imports: the components of each object in the order added, each VTIMEZONE
/// once (deduplicated by TZID, the first definition wins), content lines folded at 75
/// octets, CRLF line ends. The objects' own VCALENDAR properties (PRODID, VERSION,
/// METHOD, CALSCALE) give way to the collection's.
public struct ICSCollectionWriter: Sendable {
    /// The PRODID of the written calendar.
    public var productID: String
    /// The calendar's display name, written as X-WR-CALNAME when given.
    public var calendarName: String?
    /// Objects added so far.
    public private(set) var objectCount = 0
    private var timeZones: [Component] = []
    private var timeZoneIDs: Set<String> = []
    private var body: [UInt8] = []

    /// Creates an empty collection.
    public init(productID: String = "-//Brick//Brick restore//EN", calendarName: String? = nil) {
        self.productID = productID
        self.calendarName = calendarName
    }

    /// Adds the components of one calendar object resource (or of a whole VCALENDAR
    /// file); throws when `bytes` hold no VCALENDAR with a component to add.
    public mutating func add(_ bytes: [UInt8]) throws(CalendarFormatError) {
        let calendars = Component.tree(ContentLineReader.lines(bytes)).components.filter { $0.name == "VCALENDAR" }
        let components = calendars.flatMap(\.children)
        guard components.contains(where: { $0.name != "VTIMEZONE" }) else { throw .noComponents }
        for component in components {
            if component.name == "VTIMEZONE" {
                let tzid = component.property("TZID")?.rawText.trimmingSpaces ?? ""
                if timeZoneIDs.insert(tzid).inserted { timeZones.append(component) }
            } else {
                LineFolding.append(component, to: &body)
            }
        }
        objectCount += 1
    }

    /// The VCALENDAR holding everything added.
    public func bytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(body.count + 4096)
        LineFolding.append(Array("BEGIN:VCALENDAR".utf8), to: &output)
        LineFolding.append(Array("VERSION:2.0".utf8), to: &output)
        LineFolding.append(Array("PRODID:\(productID)".utf8), to: &output)
        LineFolding.append(Array("CALSCALE:GREGORIAN".utf8), to: &output)
        if let calendarName { LineFolding.append(Array("X-WR-CALNAME:\(ICSCollectionWriter.escape(calendarName))".utf8), to: &output) }
        for zone in timeZones { LineFolding.append(zone, to: &output) }
        output.append(contentsOf: body)
        LineFolding.append(Array("END:VCALENDAR".utf8), to: &output)
        return output
    }

    /// `text` as an iCalendar TEXT value.
    static func escape(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "\\": output += "\\\\"
            case ";": output += "\\;"
            case ",": output += "\\,"
            case "\n": output += "\\n"
            case "\r": break
            default: output.append(character)
            }
        }
        return output
    }
}
