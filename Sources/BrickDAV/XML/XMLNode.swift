import Foundation

/// One XML element with its namespace-resolved name, its text and its children: the
/// small tree a multistatus answer is read into.
public struct XMLNode: Sendable, Equatable {
    /// The namespace URI (`DAV:`, `urn:ietf:params:xml:ns:caldav`, …), empty for none.
    public var namespace: String
    /// The local name.
    public var name: String
    /// Attributes by their local name.
    public var attributes: [String: String]
    /// The element's own text (character data and CDATA, concatenated).
    public var text: String
    /// Child elements in order.
    public var children: [XMLNode]

    /// Creates a node.
    public init(namespace: String, name: String, attributes: [String: String] = [:], text: String = "", children: [XMLNode] = []) {
        self.namespace = namespace
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// True when the node is `name` in `namespace`.
    public func `is`(_ namespace: String, _ name: String) -> Bool {
        self.namespace == namespace && self.name == name
    }

    /// The first child `name` in `namespace`.
    public func child(_ namespace: String, _ name: String) -> XMLNode? {
        children.first { $0.is(namespace, name) }
    }

    /// Every child `name` in `namespace`.
    public func children(_ namespace: String, _ name: String) -> [XMLNode] {
        children.filter { $0.is(namespace, name) }
    }

    /// The text with leading and trailing white space removed.
    public var trimmedText: String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The XML namespaces DAV answers use.
public enum XMLNamespace {
    /// WebDAV (RFC 4918).
    public static let dav = "DAV:"
    /// CalDAV (RFC 4791).
    public static let caldav = "urn:ietf:params:xml:ns:caldav"
    /// CardDAV (RFC 6352).
    public static let carddav = "urn:ietf:params:xml:ns:carddav"
    /// Calendar Server extensions (getctag).
    public static let calendarServer = "http://calendarserver.org/ns/"
    /// Apple iCal extensions (calendar-color, calendar-order).
    public static let appleICal = "http://apple.com/ns/ical/"
}
