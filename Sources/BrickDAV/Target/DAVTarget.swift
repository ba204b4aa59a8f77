/// What a PUT of a backed-up resource did.
public enum DAVPutOutcome: Sendable, Equatable {
    /// The resource was written anew.
    case created
    /// A resource of that name, or of that UID, was there already and was left alone.
    case alreadyThere
    /// The resource there was replaced (`overwrite`, with its current ETag).
    case replaced
}

/// A user's homes on a CalDAV/CardDAV server as a restore target: calendars go into
/// the user's `calendar-home-set` and address books into the `addressbook-home-set`,
/// found from the endpoint's URL as backup's discovery finds them (a server naming no
/// home for a kind gets that kind's collections right under the URL); collections are
/// created when missing (MKCALENDAR, extended MKCOL) with their display name and
/// colour, and resources are PUT with `If-None-Match: *`, so a restore never writes
/// over what is there, unless asked to (then with `If-Match` and the current ETag).
public struct DAVTarget: Sendable {
    /// The connection to the server; its endpoint's path is where discovery starts.
    public let client: DAVClient
    /// The homes found by the first collection prepared, reused by the others.
    private let discovered = DiscoveredHomes()

    /// A target writing into the home at `client.endpoint.path`.
    public init(client: DAVClient) {
        self.client = client
    }

    /// The href of the collection named `segment` in the home, created like `model`
    /// (kind, display name, colour, components) when missing.
    public func prepareCollection(segment: String, like model: DAVCollection, displayName: String?) async throws(DAVError) -> String {
        let href = try await home(for: model.kind) + DAVPath.encodeSegment(segment) + "/"
        if let existing = try await DAVDiscovery(client: client).collection(at: href) {
            guard existing.kind == model.kind else {
                throw .httpStatus(method: "PROPFIND", href: href, status: 409, user: client.user)
            }
            return href
        }
        let request: HTTPRequestMessage
        switch model.kind {
        case .calendar:
            request = HTTPRequestMessage(
                method: "MKCALENDAR", path: href, headers: [("Content-Type", "application/xml; charset=utf-8")],
                body: DAVRequestBody.makeCalendar(displayName: displayName, color: model.color, components: model.components))
        case .addressbook:
            request = HTTPRequestMessage(
                method: "MKCOL", path: href, headers: [("Content-Type", "application/xml; charset=utf-8")],
                body: DAVRequestBody.makeAddressBook(displayName: displayName))
        }
        _ = try await client.expectSuccess(request)
        return href
    }

    /// Where collections of `kind` go: the user's home for that kind as discovery
    /// finds it from the endpoint (Cyrus: `calendars/user/NAME/` and
    /// `addressbooks/user/NAME/`), else the endpoint's path itself, when the server
    /// names no home for the kind or answers the discovery with a client error.
    public func home(for kind: DAVCollection.Kind) async throws(DAVError) -> String {
        let fallback = DAVPath.asCollection(client.endpoint.path)
        let homes: DAVDiscovery.Homes
        if let known = await discovered.homes {
            homes = known
        } else {
            do {
                homes = try await DAVDiscovery(client: client).homes()
            } catch {
                switch error {
                case .discoveryFailed, .malformedResponse: homes = DAVDiscovery.Homes()
                case .httpStatus(_, _, let status, _) where (400..<500).contains(status): homes = DAVDiscovery.Homes()
                default: throw error
                }
            }
            await discovered.keep(homes)
        }
        return (kind == .calendar ? homes.calendars : homes.addressBooks) ?? fallback
    }

    /// Writes `bytes` as the resource `name` of the collection at `collection`.
    public func put(_ bytes: [UInt8], name: String, in collection: String, kind: DAVCollection.Kind, overwrite: Bool) async throws(DAVError) -> DAVPutOutcome {
        let href = collection + DAVPath.encodeSegment(name)
        let contentType = kind == .calendar ? "text/calendar; charset=utf-8" : "text/vcard; charset=utf-8"
        let response = try await client.send(HTTPRequestMessage(
            method: "PUT", path: href, headers: [("Content-Type", contentType), ("If-None-Match", "*")], body: bytes))
        if response.isSuccess { return .created }
        if response.status == 412 {
            guard overwrite else { return .alreadyThere }
            let current = try await client.expectSuccess(HTTPRequestMessage(method: "GET", path: href))
            guard let etag = current.header("ETag") else {
                throw .malformedResponse(href: href, reason: "no ETag to replace the resource safely")
            }
            _ = try await client.expectSuccess(HTTPRequestMessage(
                method: "PUT", path: href, headers: [("Content-Type", contentType), ("If-Match", etag)], body: bytes))
            return .replaced
        }
        // RFC 4791 §5.3.2.1 / RFC 6352 §6.3.2.1: a resource with the same UID under
        // another name (no-uid-conflict): the item is there already. Cyrus says so for
        // an event with an ORGANIZER whose UID is in any of the user's calendars with
        // RFC 6638 §3.2.4.1's unique-scheduling-object-resource.
        let body = String(decoding: response.body, as: UTF8.self)
        if [403, 409].contains(response.status), body.contains("uid-conflict") || body.contains("unique-scheduling-object-resource") {
            return .alreadyThere
        }
        throw .httpStatus(method: "PUT", href: href, status: response.status, user: client.user)
    }
}

/// The homes a `DAVTarget` found, kept for the rest of its restore.
private actor DiscoveredHomes {
    private(set) var homes: DAVDiscovery.Homes?

    func keep(_ found: DAVDiscovery.Homes) { homes = found }
}
