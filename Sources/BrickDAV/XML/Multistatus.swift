/// One `DAV:response` of a 207 Multi-Status answer (RFC 4918 §14.24).
public struct DAVResponse: Sendable, Equatable {
    /// The resource's href as the server wrote it.
    public var href: String
    /// The response's own status (sync-collection reports removed members as 404
    /// here), nil when it has propstats instead.
    public var status: Int?
    /// Properties found (propstat with a 2xx status).
    public var properties: [XMLNode]

    /// The first found property `name` in `namespace`.
    public func property(_ namespace: String, _ name: String) -> XMLNode? {
        properties.first { $0.is(namespace, name) }
    }

    /// The text of property `name` in `namespace`, trimmed, nil when absent or empty.
    public func text(_ namespace: String, _ name: String) -> String? {
        guard let text = property(namespace, name)?.trimmedText, !text.isEmpty else { return nil }
        return text
    }

    /// The `href` inside property `name` (current-user-principal, calendar-home-set).
    public func hrefProperty(_ namespace: String, _ name: String) -> String? {
        guard let text = property(namespace, name)?.child(XMLNamespace.dav, "href")?.trimmedText, !text.isEmpty else { return nil }
        return text
    }
}

/// A parsed 207 Multi-Status body: its responses and, for sync-collection, the new
/// sync token.
public struct Multistatus: Sendable, Equatable {
    /// The responses in order.
    public var responses: [DAVResponse]
    /// The top-level `DAV:sync-token` (RFC 6578), when present.
    public var syncToken: String?

    /// An answer read already.
    public init(responses: [DAVResponse], syncToken: String?) {
        self.responses = responses
        self.syncToken = syncToken
    }

    /// Parses `body`; anything but a well-formed `DAV:multistatus` is an error naming
    /// `href` (the request's target). The same reading as `MultistatusReader`'s, fed
    /// the whole body at once.
    public init(parsing body: [UInt8], href: String) throws(DAVError) {
        let reader = MultistatusReader(href: href)
        reader.consume(body)
        self = try reader.finish()
    }

    /// The code of a status line such as `HTTP/1.1 404 Not Found`.
    static func statusCode(_ line: String) -> Int? {
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        return Int(parts[1])
    }
}
