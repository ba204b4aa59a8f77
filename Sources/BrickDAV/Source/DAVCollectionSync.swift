import BrickCore
import Foundation

/// One collection's change-sync (see `DAVSource`). Tokens as the folder keeps them:
/// `sync:<sync-token>` after a sync-collection, `ctag:<getctag>` after an ETag
/// listing (FORMAT.md §4). Each present item's MODSEQ holds a hash of its ETag, so a
/// full listing fetches only resources whose ETag changed. Listings are read as they
/// arrive (`MultistatusReader`): of each member only its href and ETag are kept.
struct DAVCollectionSync {
    let source: DAVSource
    let collection: DAVCollection
    let state: FolderSyncState
    let sink: any ChangeSink

    var client: DAVClient { source.client }

    /// What a contact's GET asks for. Cyrus keeps a vCard in the version it was PUT in
    /// and converts on the way out: asked for nothing (3.0) it hands a 4.0 card out
    /// without its `data:` photo and other 4.0-only properties, asked for 4.0 it hands
    /// it out as stored, and a 3.0 card as a 4.0 rendition that keeps every property.
    /// Asking for 4.0 loses nothing; a 3.0 card would come byte for byte but a 4.0
    /// card would lose data. Servers that do not convert (Radicale) send what they
    /// store either way; the fallbacks keep them from answering 406.
    static let vCardAccept = "text/vcard; version=4.0, text/vcard; q=0.9, */*; q=0.8"

    /// A member as a listing reports it.
    struct Member {
        var href: String
        var etag: String?
    }

    func run() async throws {
        if isUnchanged { return }
        if let stored = state.token, stored.hasPrefix("ctag:") {
            try await listAndCompare(storedCtag: String(stored.dropFirst(5)))
            return
        }
        var token = state.token.flatMap { $0.hasPrefix("sync:") ? String($0.dropFirst(5)) : nil }
        var fullListing = token == nil
        var listed: Set<ItemKey> = []
        while true {
            let reader = MultistatusReader(href: collection.href)
            let request = HTTPRequestMessage(
                method: "REPORT", path: collection.href,
                headers: [("Depth", "1"), ("Content-Type", "application/xml; charset=utf-8")],
                body: DAVRequestBody.syncCollection(token: token), consumer: reader)
            let response = try await client.send(request)
            if response.status != 207 {
                if token != nil && [400, 403, 409, 412].contains(response.status) {
                    // RFC 6578 §3.2: the token is no longer valid: list everything again,
                    // as a new UIDVALIDITY does for IMAP.
                    token = nil
                    fullListing = true
                    listed = []
                    continue
                }
                if token == nil && [400, 403, 404, 405, 415, 501].contains(response.status) {
                    try await listAndCompare(storedCtag: nil)
                    return
                }
                throw DAVError.httpStatus(method: "REPORT", href: collection.href, status: response.status, user: client.user)
            }
            let page = try reader.finish()
            var changed: [Member] = []
            var vanished: [ItemKey] = []
            var truncated = false
            for entry in page.responses {
                if DAVPath.same(entry.href, collection.href) {
                    if entry.status == 507 { truncated = true }
                    continue
                }
                let key = ItemKey(DAVPath.lastSegment(of: entry.href))
                if entry.status == 404 {
                    vanished.append(key)
                } else if entry.property(XMLNamespace.dav, "resourcetype")?.children.isEmpty == false {
                    continue
                } else {
                    listed.insert(key)
                    changed.append(Member(href: DAVPath.path(of: entry.href), etag: entry.text(XMLNamespace.dav, "getetag")))
                }
            }
            guard let next = page.syncToken else {
                throw DAVError.malformedResponse(href: collection.href, reason: "sync-collection answer without sync-token")
            }
            let last = !truncated || next == token
            if last && fullListing {
                let present = try state.loadPresentItems().keys
                vanished += present.filter { !listed.contains($0) }
            }
            // A member skipped keeps the token, so later pages would move past it: stop.
            // A full listing keeps the old token until its last page: a run that dies
            // in between lists everything again next time, so no deletion is missed.
            let skipped = try await fetch(changed, vanished: vanished, token: fullListing && !last ? nil : "sync:" + next)
            if last || skipped { return }
            token = next
        }
    }

    /// True when the sync-token the home's listing gave for the collection is the one
    /// the folder holds: nothing changed, so nothing more is asked (one PROPFIND per
    /// home in all for a user without changes). The listing does not ask for getctag;
    /// a folder kept by ctag has it asked Depth 0 in `listAndCompare`, one request.
    var isUnchanged: Bool {
        guard let stored = state.token else { return false }
        if let token = collection.syncToken, stored == "sync:" + token { return true }
        if let ctag = collection.ctag, stored == "ctag:" + ctag { return true }
        return false
    }

    /// Compares an ETag listing with the store (servers without sync-collection):
    /// nothing but the getctag when it has not changed.
    private func listAndCompare(storedCtag: String?) async throws {
        let ctagResponse = try await propfind(depth: 0, body: DAVRequestBody.ctag)
        let ctag = ctagResponse.first?.text(XMLNamespace.calendarServer, "getctag")
        if let ctag, ctag == storedCtag { return }
        var members: [Member] = []
        for entry in try await propfind(depth: 1, body: DAVRequestBody.etags) where !DAVPath.same(entry.href, collection.href) {
            if entry.property(XMLNamespace.dav, "resourcetype")?.children.isEmpty == false { continue }
            members.append(Member(href: DAVPath.path(of: entry.href), etag: entry.text(XMLNamespace.dav, "getetag")))
        }
        let listed = Set(members.map { ItemKey(DAVPath.lastSegment(of: $0.href)) })
        let vanished = try state.loadPresentItems().keys.filter { !listed.contains($0) }
        _ = try await fetch(members, vanished: Array(vanished), token: ctag.map { "ctag:" + $0 } ?? "ctag:")
    }

    private func propfind(depth: Int, body: [UInt8]) async throws -> [DAVResponse] {
        let reader = MultistatusReader(href: collection.href)
        let request = HTTPRequestMessage(
            method: "PROPFIND", path: collection.href,
            headers: [("Depth", String(depth)), ("Content-Type", "application/xml; charset=utf-8")], body: body,
            consumer: reader)
        let response = try await client.send(request)
        guard response.status == 207 else {
            throw DAVError.httpStatus(method: "PROPFIND", href: collection.href, status: response.status, user: client.user)
        }
        return try reader.finish().responses
    }
}
