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

    /// Parses `body`; anything but a well-formed `DAV:multistatus` is an error naming
    /// `href` (the request's target).
    public init(parsing body: [UInt8], href: String) throws(DAVError) {
        let root: XMLNode
        do {
            root = try XMLTreeParser.parse(body)
        } catch {
            throw .malformedResponse(href: href, reason: error.reason)
        }
        guard root.is(XMLNamespace.dav, "multistatus") else {
            throw .malformedResponse(href: href, reason: "root element is \(root.name), not DAV:multistatus")
        }
        var responses: [DAVResponse] = []
        for node in root.children(XMLNamespace.dav, "response") {
            guard let hrefNode = node.child(XMLNamespace.dav, "href") else {
                throw .malformedResponse(href: href, reason: "a response without href")
            }
            var properties: [XMLNode] = []
            for propstat in node.children(XMLNamespace.dav, "propstat") {
                let code = propstat.child(XMLNamespace.dav, "status").flatMap { Self.statusCode($0.trimmedText) } ?? 200
                guard (200..<300).contains(code) else { continue }
                properties += propstat.child(XMLNamespace.dav, "prop")?.children ?? []
            }
            let status = node.child(XMLNamespace.dav, "status").flatMap { Self.statusCode($0.trimmedText) }
            responses.append(DAVResponse(href: hrefNode.trimmedText, status: status, properties: properties))
        }
        self.responses = responses
        let token = root.child(XMLNamespace.dav, "sync-token")?.trimmedText
        self.syncToken = token?.isEmpty == false ? token : nil
    }

    /// The code of a status line such as `HTTP/1.1 404 Not Found`.
    static func statusCode(_ line: String) -> Int? {
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        return Int(parts[1])
    }
}
