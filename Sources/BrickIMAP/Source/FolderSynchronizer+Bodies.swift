import BrickCore
import Foundation

extension FolderSynchronizer {
    /// The items fetched with each message body.
    static let bodyItems = "UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ BODY.PEEK[]"

    /// Fetches bodies batch by batch and commits each batch.
    ///
    /// `first` (flag changes, expunges, a retirement) rides with the first batch.
    /// Every batch but the last carries `progress` with the highest UID committed so
    /// far; the last carries `final`, the only token that advances the modseq. The
    /// next batch's FETCH is on the wire while the current batch is committed, so at
    /// most two batches are in memory.
    func fetchBodies(_ sizes: [(uid: UInt32, size: Int)], first: ChangeBatch, progress: SyncToken, final: SyncToken) async throws {
        var first = first
        var sizes = sizes
        let capabilities = await connection.capabilities
        if capabilities.contains("OBJECTID"), !sizes.isEmpty {
            first.copied = try await copiesOfStoredMessages(sizes.map(\.uid), uidValidity: final.uidValidity)
            let copied = Set(first.copied.compactMap(\.uid))
            sizes.removeAll { copied.contains($0.uid) }
        }
        let batches = planner.batches(sizes)
        guard !batches.isEmpty else {
            var only = first
            only.token = final.description
            try await sink.commit(only)
            return
        }
        let withModSeq = capabilities.contains("CONDSTORE") || capabilities.contains("QRESYNC")
        var items = withModSeq ? Self.bodyItems : Self.bodyItems.replacingOccurrences(of: " MODSEQ", with: "")
        if capabilities.contains("OBJECTID") { items = "EMAILID " + items }
        func command(_ index: Int) -> Command {
            .uidFetch(UIDSet(batches[index]), items: items, modifiers: nil)
        }
        var pending = await connection.submit(command(0))
        var batch = first
        var committed = progress.committedUID
        for index in batches.indices {
            let completion = try await connection.complete(pending, command(index))
            if index + 1 < batches.count { pending = await connection.submit(command(index + 1)) }
            for case .fetch(_, let attributes) in completion.untagged {
                guard let item = sourceItem(attributes, uidValidity: final.uidValidity) else { continue }
                batch.added.append(item)
            }
            committed = max(committed, batches[index].max() ?? committed)
            if index + 1 == batches.count {
                batch.token = final.description
            } else {
                var token = progress
                token.committedUID = committed
                batch.token = token.description
            }
            try await sink.commit(batch)
            batch = ChangeBatch()
        }
    }

    /// With OBJECTID (RFC 8474): the messages among `uids` whose EMAILID the store
    /// already holds, which are copies or moves of messages backed up before. They are
    /// recorded without downloading their bodies again.
    private func copiesOfStoredMessages(_ uids: [UInt32], uidValidity: UInt32) async throws -> [CopiedItem] {
        let capabilities = await connection.capabilities
        let withModSeq = capabilities.contains("CONDSTORE") || capabilities.contains("QRESYNC")
        let command = Command.uidFetch(UIDSet(uids), items: "UID EMAILID FLAGS INTERNALDATE" + (withModSeq ? " MODSEQ" : ""), modifiers: nil)
        var candidates: [CopiedItem] = []
        for case .fetch(_, let attributes) in try await connection.execute(command).untagged {
            guard let uid = attributes.uid, let emailID = attributes.emailID else { continue }
            candidates.append(CopiedItem(
                key: .imap(uidValidity: uidValidity, uid: uid), flags: ItemFlags(imapNames: attributes.flags ?? []),
                internalDate: attributes.internalDate ?? Date(timeIntervalSince1970: 0), uid: uid, modSeq: attributes.modSeq,
                emailID: emailID))
        }
        guard !candidates.isEmpty else { return [] }
        let known = try state.knownEmailIDs(candidates.map(\.emailID))
        return candidates.filter { known.contains($0.emailID) }
    }

    /// The item in a body FETCH response; nil for responses without a body (an
    /// unsolicited flag update, a message expunged meanwhile).
    private func sourceItem(_ attributes: [FetchAttribute], uidValidity: UInt32) -> SourceItem? {
        guard let uid = attributes.uid, let body = attributes.body(section: "") else { return nil }
        return SourceItem(
            key: .imap(uidValidity: uidValidity, uid: uid),
            flags: ItemFlags(imapNames: attributes.flags ?? []),
            internalDate: attributes.internalDate ?? Date(timeIntervalSince1970: 0),
            uid: uid, modSeq: attributes.modSeq, raw: body, emailID: attributes.emailID)
    }
}
