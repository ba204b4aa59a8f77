import Foundation

/// One calendar or address book found by discovery.
public struct DAVCollection: Sendable, Hashable {
    /// What the collection holds.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A CalDAV calendar.
        case calendar
        /// A CardDAV address book.
        case addressbook
    }

    /// The collection's path on the server (percent-encoded, trailing slash).
    public var href: String
    /// Calendar or address book.
    public var kind: Kind
    /// `DAV:displayname`, when set.
    public var displayName: String?
    /// `calendar-color` (Apple's iCal namespace), when set.
    public var color: String?
    /// The calendar or address book description, when set.
    public var description: String?
    /// The components a calendar accepts (VEVENT, VTODO, VJOURNAL); empty when unsaid.
    public var components: [String]
    /// `DAV:sync-token`, when the server offers sync-collection.
    public var syncToken: String?
    /// `getctag` (calendarserver.org), when offered.
    public var ctag: String?

    /// Creates a collection description.
    public init(
        href: String, kind: Kind, displayName: String? = nil, color: String? = nil, description: String? = nil,
        components: [String] = [], syncToken: String? = nil, ctag: String? = nil
    ) {
        self.href = href
        self.kind = kind
        self.displayName = displayName
        self.color = color
        self.description = description
        self.components = components
        self.syncToken = syncToken
        self.ctag = ctag
    }

    /// Reads a collection from its PROPFIND response; nil when it is neither a
    /// calendar nor an address book.
    init?(_ response: DAVResponse) {
        guard let types = response.property(XMLNamespace.dav, "resourcetype") else { return nil }
        if types.child(XMLNamespace.caldav, "calendar") != nil {
            kind = .calendar
        } else if types.child(XMLNamespace.carddav, "addressbook") != nil {
            kind = .addressbook
        } else {
            return nil
        }
        href = DAVPath.asCollection(DAVPath.path(of: response.href))
        displayName = response.text(XMLNamespace.dav, "displayname")
        color = response.text(XMLNamespace.appleICal, "calendar-color")
        description = response.text(XMLNamespace.caldav, "calendar-description")
            ?? response.text(XMLNamespace.carddav, "addressbook-description")
        components = kind == .addressbook ? [] : response.property(XMLNamespace.caldav, "supported-calendar-component-set")?
            .children(XMLNamespace.caldav, "comp").compactMap { $0.attributes["name"] } ?? []
        syncToken = response.text(XMLNamespace.dav, "sync-token")
        ctag = response.text(XMLNamespace.calendarServer, "getctag")
    }

    /// What the catalog keeps of the collection (`folders.dav_properties`, FORMAT.md
    /// §4): a JSON object with sorted keys.
    public var propertiesJSON: String {
        var object: [String: Any] = ["resourcetype": kind.rawValue]
        if let displayName { object["displayname"] = displayName }
        if let color { object["color"] = color }
        if let description { object["description"] = description }
        if !components.isEmpty { object["components"] = components }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads the catalog's JSON back (restore creates collections from it).
    public init?(href: String, propertiesJSON: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(propertiesJSON.utf8)) as? [String: Any],
            let kind = (object["resourcetype"] as? String).flatMap(Kind.init(rawValue:))
        else { return nil }
        self.init(
            href: href, kind: kind, displayName: object["displayname"] as? String, color: object["color"] as? String,
            description: object["description"] as? String, components: object["components"] as? [String] ?? [])
    }
}
