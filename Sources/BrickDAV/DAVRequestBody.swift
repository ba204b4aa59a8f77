/// The XML bodies of the DAV requests the client sends.
enum DAVRequestBody {
    private static let namespaces = """
        xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:card="urn:ietf:params:xml:ns:carddav" \
        xmlns:cs="http://calendarserver.org/ns/" xmlns:ic="http://apple.com/ns/ical/"
        """

    /// A PROPFIND for the given properties, written with the prefixes d, c, card, cs, ic.
    static func propfind(_ properties: [String]) -> [UInt8] {
        let props = properties.map { "<\($0)/>" }.joined()
        return Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><d:propfind \(namespaces)><d:prop>\(props)</d:prop></d:propfind>".utf8)
    }

    /// What discovery asks of the start URL and the principal.
    static let principalProperties = propfind([
        "d:current-user-principal", "c:calendar-home-set", "card:addressbook-home-set", "d:resourcetype",
    ])

    /// What restore asks of one collection (Depth 0): everything discovery keeps,
    /// getctag included.
    static let collectionProperties = propfind([
        "d:resourcetype", "d:displayname", "ic:calendar-color", "c:calendar-description",
        "card:addressbook-description", "c:supported-calendar-component-set", "d:sync-token", "cs:getctag",
    ])

    /// What the nightly home listing (Depth 1) asks of each collection: what the
    /// catalog keeps and the sync-token, not getctag. Xandikos and Radicale compute a
    /// sync-token and a getctag each from the whole collection, so asking for both
    /// doubles the night's cost; a collection without a sync-token has its getctag
    /// asked on its own (`DAVCollectionSync`).
    static let homeListing = propfind([
        "d:resourcetype", "d:displayname", "ic:calendar-color", "c:calendar-description",
        "card:addressbook-description", "c:supported-calendar-component-set", "d:sync-token",
    ])

    /// The collection's change tag only (the no-change check without sync-collection).
    static let ctag = propfind(["cs:getctag", "d:sync-token"])

    /// The members' ETags (the listing without sync-collection).
    static let etags = propfind(["d:getetag", "d:resourcetype"])

    /// A sync-collection REPORT (RFC 6578 §3.2) from `token` (nil: from the start).
    static func syncCollection(token: String?) -> [UInt8] {
        let tokenText = token.map(escape) ?? ""
        return Array("""
            <?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>\(tokenText)</d:sync-token>\
            <d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>
            """.utf8)
    }

    /// MKCALENDAR (RFC 4791 §5.3.1) with a display name and colour.
    static func makeCalendar(displayName: String?, color: String?, components: [String]) -> [UInt8] {
        var props = ""
        if let displayName { props += "<d:displayname>\(escape(displayName))</d:displayname>" }
        if let color { props += "<ic:calendar-color>\(escape(color))</ic:calendar-color>" }
        if !components.isEmpty {
            props += "<c:supported-calendar-component-set>"
                + components.map { "<c:comp name=\"\(escape($0))\"/>" }.joined() + "</c:supported-calendar-component-set>"
        }
        return Array("""
            <?xml version="1.0" encoding="utf-8"?><c:mkcalendar \(namespaces)><d:set><d:prop>\(props)</d:prop></d:set></c:mkcalendar>
            """.utf8)
    }

    /// Extended MKCOL (RFC 5689) of an address book with a display name.
    static func makeAddressBook(displayName: String?) -> [UInt8] {
        let name = displayName.map { "<d:displayname>\(escape($0))</d:displayname>" } ?? ""
        return Array("""
            <?xml version="1.0" encoding="utf-8"?><d:mkcol \(namespaces)><d:set><d:prop>\
            <d:resourcetype><d:collection/><card:addressbook/></d:resourcetype>\(name)</d:prop></d:set></d:mkcol>
            """.utf8)
    }

    /// `text` with the five XML special characters escaped.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
