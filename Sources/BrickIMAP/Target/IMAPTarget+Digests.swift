import BrickCore
import BrickMessage

extension IMAPTarget {
    /// The content digests of the listed copies: their bodies fetched by UID
    /// (`BODY.PEEK[]`, so `\Seen` is not set), in batches of `digestBatchBytes`. Copies
    /// listed under another UIDVALIDITY, or expunged since, have no digest.
    public func contentDigests(of copies: [ExistingCopy], in path: FolderPath) async throws -> [ExistingCopy: String] {
        guard !copies.isEmpty else { return [:] }
        return try await serially { connection in
            let name = try MailboxName.wireName(of: path, delimiter: try await self.delimiter(connection))
            let mailbox = SelectedMailbox(try await connection.execute(.select(mailbox: name, readOnly: true, parameters: .none)))
            let validity = mailbox.uidValidity ?? 0
            let uids = copies.compactMap(IMAPCopyLocator.init).filter { $0.uidValidity == validity }.map(\.uid)
            var digests: [ExistingCopy: String] = [:]
            let batchSize = max(1, self.options.digestBatchBytes / (64 << 10))
            for start in stride(from: 0, to: uids.count, by: batchSize) {
                let batch = Array(uids[start..<min(uids.count, start + batchSize)])
                let bodies = try await connection.execute(.uidFetch(UIDSet(batch), items: "UID BODY.PEEK[]", modifiers: nil))
                for case .fetch(_, let attributes) in bodies.untagged {
                    guard let uid = attributes.uid, let body = attributes.body(section: "") else { continue }
                    digests[IMAPCopyLocator(uidValidity: validity, uid: uid).copy] = MessageFingerprint.contentDigest(body)
                }
            }
            try await connection.execute(.close)
            return digests
        }
    }
}
