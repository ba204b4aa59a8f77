import BrickCore
import Foundation

/// One `calendar-multiget` (RFC 4791 §7.9) or `addressbook-multiget` (RFC 6352 §8.7)
/// REPORT: the bodies of many resources of one collection in one request.
///
/// The data comes as the text of `calendar-data` / `address-data`, read with its
/// carriage returns kept (`CarriageReturnGuard`), entity references resolved and
/// encoded as UTF-8: the bytes GET serves for a UTF-8 resource, which every
/// iCalendar and vCard 4.0 resource is required to be (FORMAT.md §4 says where they
/// may still differ).
struct DAVMultiget {
    let client: DAVClient
    let collection: DAVCollection

    /// A resource the answer carried.
    struct Resource {
        /// The calendar or address data.
        var bytes: [UInt8]
        /// `DAV:getetag`, when given.
        var etag: String?
        /// `DAV:getlastmodified`, when given.
        var lastModified: Date?
    }

    /// What one multiget brought back; a resource in neither map is to be fetched
    /// by GET (the server left it out, or gave no data for it).
    struct Answer {
        /// Resources served, by item key.
        var found: [ItemKey: Resource] = [:]
        /// Keys the server answered 404 for: gone since the listing.
        var gone: Set<ItemKey> = []
    }

    /// Why a multiget brought nothing back, so the resources go by GET.
    enum Refusal: Error {
        /// The server does not do multiget (an error status): ask no more in this run.
        case unsupported
        /// This answer could not be used (not a readable multistatus, too large).
        case unusable
    }

    /// Asks for `hrefs` (paths as the listing gave them); a refusal instead of an
    /// answer when the server will not or cannot answer. Connection failures and
    /// refused credentials are thrown as for any request.
    func fetch(_ hrefs: [String]) async throws(DAVError) -> Result<Answer, Refusal> {
        let request = HTTPRequestMessage(
            method: "REPORT", path: collection.href,
            headers: [("Depth", "1"), ("Content-Type", "application/xml; charset=utf-8")],
            body: Self.body(kind: collection.kind, hrefs: hrefs))
        let response: HTTPResponseMessage
        do {
            response = try await client.send(request)
        } catch {
            if case .responseTooLarge = error { return .failure(Refusal.unusable) }
            throw error
        }
        guard response.status == 207 else { return .failure(Refusal.unsupported) }
        guard let page = try? Multistatus(parsing: CarriageReturnGuard.protect(response.body), href: collection.href) else {
            return .failure(Refusal.unusable)
        }
        let (namespace, dataName) = collection.kind == .calendar
            ? (XMLNamespace.caldav, "calendar-data") : (XMLNamespace.carddav, "address-data")
        var answer = Answer()
        for entry in page.responses {
            let key = ItemKey(DAVPath.lastSegment(of: entry.href))
            if entry.status == 404 {
                answer.gone.insert(key)
            } else if let data = entry.property(namespace, dataName), !data.text.isEmpty {
                answer.found[key] = Resource(
                    bytes: Array(data.text.utf8), etag: entry.text(XMLNamespace.dav, "getetag"),
                    lastModified: HTTPDate.parse(entry.text(XMLNamespace.dav, "getlastmodified")))
            }
        }
        return .success(answer)
    }

    /// The REPORT body asking for the ETag, the modification time and the data of
    /// each of `hrefs`; contacts as vCard 4.0, for the reason `DAVCollectionSync.vCardAccept`
    /// gives (a server that cannot answer so refuses the multiget, and GET takes over).
    static func body(kind: DAVCollection.Kind, hrefs: [String]) -> [UInt8] {
        let (root, data) = kind == .calendar
            ? ("c:calendar-multiget", "c:calendar-data")
            : ("card:addressbook-multiget", #"card:address-data content-type="text/vcard" version="4.0""#)
        let hrefList = hrefs.map { "<d:href>\(DAVRequestBody.escape($0))</d:href>" }.joined()
        return Array("""
            <?xml version="1.0" encoding="utf-8"?><\(root) xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" \
            xmlns:card="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><d:getlastmodified/><\(data)/></d:prop>\
            \(hrefList)</\(root)>
            """.utf8)
    }
}
