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
    ///
    /// A UID whose FETCH comes back without a body (and that is still on the server)
    /// is reported as skipped and opens a gap: no token moves the committed UID or
    /// the modseq past it, so the next run asks for it again (see `SyncToken`).
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
        var stored = progress.storedUID ?? 0
        var gap = false
        for index in batches.indices {
            let completion = try await connection.complete(pending, command(index))
            if index + 1 < batches.count { pending = await connection.submit(command(index + 1)) }
            var received = Set<UInt32>()
            for case .fetch(_, let attributes) in completion.untagged {
                guard let item = sourceItem(attributes, uidValidity: final.uidValidity), received.insert(item.uid ?? 0).inserted else { continue }
                batch.added.append(item)
            }
            let missing = try await stillOnServer(batches[index].filter { !received.contains($0) })
            for uid in missing {
                batch.skipped.append(SkippedItem(key: .imap(uidValidity: final.uidValidity, uid: uid), reason: "FETCH returned no body"))
                logger.warning("FETCH returned no body; the message is asked for again next run", metadata: [
                    "folder": "\(folder.path)", "uid": "\(uid)",
                ])
            }
            let top = batches[index].max() ?? committed
            if let lowest = missing.min(), !gap {
                gap = true
                committed = max(committed, lowest - 1)
            }
            if gap { stored = max(stored, top) } else { committed = max(committed, top) }
            var token: SyncToken
            if index + 1 == batches.count && !gap {
                token = final
            } else if index + 1 == batches.count {
                token = SyncToken(uidValidity: final.uidValidity, modSeq: progress.modSeq, committedUID: committed, storedUID: max(stored, final.committedUID))
            } else {
                token = progress
                token.committedUID = committed
                token.storedUID = stored > committed ? stored : nil
            }
            batch.token = token.description
            try await sink.commit(batch)
            batch = ChangeBatch()
        }
    }

    /// Of `uids` (asked for and not returned with a body), those the server still
    /// lists; the others were expunged meanwhile and are not missing.
    private func stillOnServer(_ uids: [UInt32]) async throws(IMAPError) -> [UInt32] {
        guard !uids.isEmpty else { return [] }
        let asked = Set(uids)
        var found: [UInt32] = []
        for case .fetch(_, let attributes) in try await connection.execute(.uidFetch(UIDSet(uids), items: "UID", modifiers: nil)).untagged {
            if let uid = attributes.uid, asked.contains(uid) { found.append(uid) }
        }
        return found.sorted()
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
