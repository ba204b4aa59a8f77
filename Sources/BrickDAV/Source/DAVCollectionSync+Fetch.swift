import BrickCore
import Foundation

extension DAVCollectionSync {
    /// Fetches the members whose ETag the store does not hold, `source.multigetSize`
    /// at a time by multiget, and commits them in batches of about
    /// `source.batchBytes`: memory holds one multiget answer and one batch, never the
    /// collection. The last batch carries the vanished keys and the token, unless a
    /// member was skipped (then the token stays and true is returned).
    ///
    /// A member the multiget answers 404 for is gone; one it leaves out or gives no
    /// data for is fetched by GET, as is every member of a multiget the server
    /// refuses (then no more multigets are sent in this run) or whose answer cannot
    /// be read. A GET answering 404 means gone; any other failure skips the member and
    /// reports it.
    func fetch(_ members: [Member], vanished: [ItemKey], token: String?) async throws -> Bool {
        let versions = try state.loadItemVersions()
        let wanted = members.filter { member in
            guard let etag = member.etag else { return true }
            return versions[ItemKey(DAVPath.lastSegment(of: member.href))] != ETagHash.of(etag)
        }
        var pending = PendingBatch(limit: source.batchBytes)
        var gone = vanished
        var skippedAny = false
        let size = max(1, source.multigetSize)
        for start in stride(from: 0, to: wanted.count, by: size) {
            let chunk = wanted[start..<min(start + size, wanted.count)]
            var answer = DAVMultiget.Answer()
            if chunk.count > 1 && !source.multigetRefused {
                switch try await DAVMultiget(client: client, collection: collection).fetch(chunk.map(\.href)) {
                case .success(let served): answer = served
                case .failure(let refusal): if refusal == .unsupported { source.refuseMultiget() }
                }
            }
            for member in chunk {
                let key = ItemKey(DAVPath.lastSegment(of: member.href))
                if let resource = answer.found[key] {
                    try await pending.add(item(key, resource.bytes, resource.etag ?? member.etag, resource.lastModified), sink)
                } else if answer.gone.contains(key) {
                    gone.append(key)
                } else {
                    let accept = collection.kind == .addressbook ? [("Accept", Self.vCardAccept)] : []
                    let response = try await client.send(HTTPRequestMessage(method: "GET", path: member.href, headers: accept))
                    if response.status == 404 {
                        gone.append(key)
                    } else if response.isSuccess {
                        let lastModified = HTTPDate.parse(response.header("Last-Modified"))
                        try await pending.add(item(key, response.body, response.header("ETag") ?? member.etag, lastModified), sink)
                    } else {
                        pending.batch.skipped.append(SkippedItem(key: key, reason: "GET \(member.href) answered HTTP \(response.status)"))
                        skippedAny = true
                    }
                }
            }
        }
        var batch = pending.batch
        batch.vanished = gone
        // Skipped members keep the token where it was, so the next run asks again.
        batch.token = skippedAny ? nil : token
        if !batch.isEmpty || (batch.token != nil && batch.token != state.token) || !batch.skipped.isEmpty {
            try await sink.commit(batch)
        }
        return skippedAny
    }

    private func item(_ key: ItemKey, _ bytes: [UInt8], _ etag: String?, _ lastModified: Date?) -> SourceItem {
        SourceItem(key: key, flags: ItemFlags(), internalDate: lastModified ?? Date(), modSeq: etag.map(ETagHash.of), raw: bytes)
    }
}

/// The batch being filled, committed whenever its bytes reach the limit.
private struct PendingBatch {
    let limit: Int
    var batch = ChangeBatch()
    var bytes = 0

    init(limit: Int) {
        self.limit = limit
    }

    mutating func add(_ item: SourceItem, _ sink: any ChangeSink) async throws {
        batch.added.append(item)
        bytes += item.raw.count
        if bytes >= limit {
            try await sink.commit(batch)
            batch = ChangeBatch()
            bytes = 0
        }
    }
}
