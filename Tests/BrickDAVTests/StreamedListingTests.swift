@testable import BrickDAV
import Testing

/// A 207 listing handed to a `MultistatusReader` over a real connection: it reads what
/// the whole body gives, leaves the response's own body empty, and is still bounded
/// by the client's body limit.
@Suite struct StreamedListingTests {
    private static let listing: [UInt8] = {
        var text = "<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\">"
        for index in 0..<2_000 {
            text += "<d:response><d:href>/c/\(index).ics</d:href><d:propstat><d:prop><d:getetag>\"\(index)\"</d:getetag>"
                + "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
        }
        return Array((text + "<d:sync-token>t-2</d:sync-token></d:multistatus>").utf8)
    }()

    @Test func aListingStreamedOverTheConnectionReadsAsTheWholeBody() async throws {
        let server = try ScriptedHTTPServer { _, _ in (207, Self.listing) }
        let client = DAVClient(endpoint: try DAVEndpoint(url: server.url), user: "u", credentials: nil)
        let reader = MultistatusReader(href: "/c/")
        let response = try await client.send(HTTPRequestMessage(method: "REPORT", path: "/c/", consumer: reader))
        await client.close()
        #expect(response.status == 207 && response.body.isEmpty)
        let page = try reader.finish()
        #expect(page == (try Multistatus(parsing: Self.listing, href: "/c/")))
        #expect(page.responses.count == 2_000 && page.syncToken == "t-2")
    }

    @Test func aStreamedListingLargerThanTheLimitIsRefused() async throws {
        let server = try ScriptedHTTPServer { _, _ in (207, Self.listing) }
        let client = DAVClient(
            endpoint: try DAVEndpoint(url: server.url), user: "u", credentials: nil, bodyLimit: Self.listing.count / 2)
        let reader = MultistatusReader(href: "/c/")
        await #expect(throws: DAVError.responseTooLarge(href: "/c/", limit: Self.listing.count / 2)) {
            _ = try await client.send(HTTPRequestMessage(method: "REPORT", path: "/c/", consumer: reader))
        }
        await client.close()
    }
}
