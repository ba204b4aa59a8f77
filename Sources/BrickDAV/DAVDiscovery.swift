/// Finds a user's calendars and address books the way clients do (RFC 6764 §6,
/// RFC 4791 §6.2.1, RFC 6352 §7.1.1): `current-user-principal` from the start URL,
/// the principal's `calendar-home-set` and `addressbook-home-set`, then each home's
/// members (PROPFIND Depth 1) with their names, colours, components and sync-tokens.
public struct DAVDiscovery: Sendable {
    private let client: DAVClient

    /// Discovers through `client`.
    public init(client: DAVClient) {
        self.client = client
    }

    /// The homes found: where calendars and address books live (paths).
    public struct Homes: Sendable, Equatable {
        /// `calendar-home-set`, when the server has calendars.
        public var calendars: String?
        /// `addressbook-home-set`, when the server has address books.
        public var addressBooks: String?
    }

    /// The user's homes.
    public func homes() async throws(DAVError) -> Homes {
        let start = client.endpoint.path
        let first = try await propfind(start, depth: 0, body: DAVRequestBody.principalProperties)
        var homes = Self.homes(in: first)
        if homes.calendars == nil && homes.addressBooks == nil,
            let principal = first.first?.hrefProperty(XMLNamespace.dav, "current-user-principal")
        {
            homes = Self.homes(in: try await propfind(DAVPath.path(of: principal), depth: 0, body: DAVRequestBody.principalProperties))
        }
        guard homes.calendars != nil || homes.addressBooks != nil else {
            throw .discoveryFailed(user: client.user, reason: "\(start) names no calendar-home-set or addressbook-home-set")
        }
        return homes
    }

    /// Every calendar and address book in the user's homes, in href order.
    public func collections() async throws(DAVError) -> [DAVCollection] {
        try await collections(in: try await homes())
    }

    /// Every calendar and address book in `homes`, in href order: one PROPFIND
    /// Depth 1 per home, which also gives each collection's sync-token (not its
    /// getctag: `DAVRequestBody.homeListing`).
    public func collections(in homes: Homes) async throws(DAVError) -> [DAVCollection] {
        var found: [String: DAVCollection] = [:]
        for home in Set([homes.calendars, homes.addressBooks].compactMap { $0 }) {
            for response in try await propfind(home, depth: 1, body: DAVRequestBody.homeListing) {
                if let collection = DAVCollection(response) { found[collection.href] = collection }
            }
        }
        return found.values.sorted { $0.href < $1.href }
    }

    /// One collection's properties (restore reads a target collection with it).
    public func collection(at href: String) async throws(DAVError) -> DAVCollection? {
        let responses = try await propfind(href, depth: 0, body: DAVRequestBody.collectionProperties, accepting: [404])
        return responses.first.flatMap(DAVCollection.init)
    }

    private static func homes(in responses: [DAVResponse]) -> Homes {
        let response = responses.first
        return Homes(
            calendars: response?.hrefProperty(XMLNamespace.caldav, "calendar-home-set").map { DAVPath.asCollection(DAVPath.path(of: $0)) },
            addressBooks: response?.hrefProperty(XMLNamespace.carddav, "addressbook-home-set").map { DAVPath.asCollection(DAVPath.path(of: $0)) })
    }

    private func propfind(_ path: String, depth: Int, body: [UInt8], accepting: Set<Int> = []) async throws(DAVError) -> [DAVResponse] {
        let reader = MultistatusReader(href: path)
        let request = HTTPRequestMessage(
            method: "PROPFIND", path: path,
            headers: [("Depth", String(depth)), ("Content-Type", "application/xml; charset=utf-8")], body: body,
            consumer: reader)
        let response = try await client.send(request)
        if accepting.contains(response.status) { return [] }
        guard response.status == 207 else {
            throw .httpStatus(method: "PROPFIND", href: path, status: response.status, user: client.user)
        }
        return try reader.finish().responses
    }
}
