@testable import BrickDAV
import BrickCore
import BrickStore
import BrickSync
import Foundation
import Logging

/// What the DAV tests share: fixtures, a store in a temporary directory, the
/// requests that fill a server, and a backup through the sync engine.
enum DAVTestSupport {
    static let logger = Logger(label: "dav-test")

    /// The bytes of `Fixtures/dav-roundtrip/NAME`.
    static func fixture(_ name: String) throws -> [UInt8] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return Array(try Data(contentsOf: root.appendingPathComponent("Fixtures/dav-roundtrip/\(name)")))
    }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("brick-dav-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func client(_ url: String, user: String, password: String?) throws -> DAVClient {
        DAVClient(
            endpoint: try DAVEndpoint(url: url), user: user,
            credentials: password.map { DAVCredentials(user: user, password: $0) })
    }

    static func makeCalendar(_ client: DAVClient, _ path: String, name: String, color: String? = nil) async throws {
        _ = try await client.expectSuccess(HTTPRequestMessage(
            method: "MKCALENDAR", path: path, headers: [("Content-Type", "application/xml; charset=utf-8")],
            body: DAVRequestBody.makeCalendar(displayName: name, color: color, components: [])))
    }

    static func makeAddressBook(_ client: DAVClient, _ path: String, name: String) async throws {
        _ = try await client.expectSuccess(HTTPRequestMessage(method: "MKCOL", path: path, headers: [("Content-Type", "application/xml; charset=utf-8")], body: DAVRequestBody.makeAddressBook(displayName: name)))
    }

    static func put(_ client: DAVClient, _ path: String, _ bytes: [UInt8]) async throws {
        let type = path.hasSuffix(".vcf") ? "text/vcard" : "text/calendar"
        _ = try await client.expectSuccess(HTTPRequestMessage(method: "PUT", path: path, headers: [("Content-Type", type)], body: bytes))
    }

    static func get(_ client: DAVClient, _ path: String) async throws -> [UInt8] {
        try await client.expectSuccess(HTTPRequestMessage(method: "GET", path: path)).body
    }

    static func delete(_ client: DAVClient, _ path: String) async throws {
        _ = try await client.expectSuccess(HTTPRequestMessage(method: "DELETE", path: path))
    }

    /// Backs up `store`'s user from `source` through the sync engine.
    static func backUp(_ store: UserStore, _ source: any MailSource) async throws -> RunTotals {
        let totals = try await UserBackup(
            store: store, source: source, sourceDescription: "dav-test", selection: FolderSelection(), logger: logger
        ).run()
        await source.close()
        return totals
    }

    /// Keys of the items `query` selects, as `folder/key`, sorted.
    static func selected(_ store: UserStore, _ configure: (inout ItemQuery) -> Void) throws -> [String] {
        var query = ItemQuery()
        configure(&query)
        var keys: [String] = []
        try store.forEachItem(matching: query) { keys.append("\($0.folderPath)/\($0.key)") }
        return keys.sorted()
    }
}
