import Foundation

/// Reads a 207 Multi-Status body as it arrives, in pieces split anywhere, into the
/// same `Multistatus` a whole-body parse gives: of each `DAV:response` only its href,
/// its status and the found properties are kept, never the body or its whole tree,
/// so a listing of 30,000 members costs what their hrefs and ETags cost. Used as an
/// `HTTPBodyConsumer` by the listings that grow with a collection.
public final class MultistatusReader: HTTPBodyConsumer, @unchecked Sendable {
    private let href: String
    private var builder = MultistatusBuilder()
    private var parser: XMLPushParser?
    private var cut = false

    /// A reader for the answer to a request on `href` (named in errors).
    public init(href: String) {
        self.href = href
        restart()
    }

    /// Forgets what was read (the request goes again on a new connection).
    public func restart() {
        builder = MultistatusBuilder()
        parser = XMLPushParser(handler: builder)
        cut = false
    }

    /// Parses the next piece of the body.
    public func consume(_ bytes: UnsafeRawBufferPointer) {
        parser?.feed(bytes)
    }

    /// Parses the next piece of the body.
    public func consume(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { consume($0) }
    }

    /// The body ended: the parsed answer, or `malformedResponse` naming the href when
    /// it is not a well-formed `DAV:multistatus`.
    public func finish() throws(DAVError) -> Multistatus {
        if let reason = parser?.finish() { throw .malformedResponse(href: href, reason: reason) }
        parser = nil
        return Multistatus(responses: builder.responses, syncToken: builder.syncToken)
    }
}

/// The element-by-element state of a `MultistatusReader`: where in
/// multistatus/response/propstat/prop the parser is, and the property trees of the
/// response being read.
final class MultistatusBuilder: XMLPushHandler {
    private(set) var responses: [DAVResponse] = []
    private(set) var syncToken: String?
    /// What each open element above the properties is, outermost first.
    private var roles: [Role] = []
    private var text: [UInt8] = []
    private var href: String?
    private var status: String?
    private var propstatStatus: String?
    private var propstatProperties: [XMLNode] = []
    private var properties: [XMLNode] = []
    /// Open elements inside a `DAV:prop`, innermost last, with their text so far.
    private var open: [(node: XMLNode, text: [UInt8])] = []

    /// What an open element means to the reader.
    private enum Role { case root, response, propstat, prop, syncToken, href, status, propstatStatus, other }

    func start(namespace: String, name: String, attributes: [String: String]) -> XMLPushVerdict {
        if roles.last == .prop || !open.isEmpty {
            open.append((XMLNode(namespace: namespace, name: name, attributes: attributes), []))
            return .proceed
        }
        let dav = namespace == XMLNamespace.dav
        let role: Role
        switch (roles.last, dav ? name : "") {
        case (nil, "multistatus"): role = .root
        case (nil, _): return .stop("root element is \(name), not DAV:multistatus")
        case (.root, "response"): role = .response
        case (.root, "sync-token"): role = .syncToken
        case (.response, "href") where href == nil: role = .href
        case (.response, "status") where status == nil: role = .status
        case (.response, "propstat"): role = .propstat
        case (.propstat, "status") where propstatStatus == nil: role = .propstatStatus
        case (.propstat, "prop"): role = .prop
        default: role = .other
        }
        switch role {
        case .response: (href, status, properties) = (nil, nil, [])
        case .propstat: (propstatStatus, propstatProperties) = (nil, [])
        case .syncToken, .href, .status, .propstatStatus: text.removeAll(keepingCapacity: true)
        default: break
        }
        roles.append(role)
        return .proceed
    }

    func end() -> XMLPushVerdict {
        if let (node, bytes) = open.popLast() {
            var done = node
            done.text = String(decoding: bytes, as: UTF8.self)
            if open.isEmpty {
                propstatProperties.append(done)
            } else {
                open[open.count - 1].node.children.append(done)
            }
            return .proceed
        }
        let value = { String(decoding: self.text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        switch roles.popLast() {
        case .syncToken: syncToken = value().isEmpty ? nil : value()
        case .href: href = value()
        case .status: status = value()
        case .propstatStatus: propstatStatus = value()
        case .propstat:
            let code = propstatStatus.flatMap(Multistatus.statusCode) ?? 200
            if (200..<300).contains(code) { properties += propstatProperties }
            (propstatStatus, propstatProperties) = (nil, [])
        case .response:
            guard let href else { return .stop("a response without href") }
            responses.append(DAVResponse(href: href, status: status.flatMap(Multistatus.statusCode), properties: properties))
            (self.href, status, properties) = (nil, nil, [])
        default: break
        }
        return .proceed
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        if !open.isEmpty {
            open[open.count - 1].text.append(contentsOf: bytes)
        } else if let role = roles.last, [.syncToken, .href, .status, .propstatStatus].contains(role) {
            text.append(contentsOf: bytes)
        }
    }
}
