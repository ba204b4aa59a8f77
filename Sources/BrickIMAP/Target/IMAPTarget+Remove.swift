import BrickCore

extension IMAPTarget {
    /// UIDs per UID STORE and UID EXPUNGE, so a command line stays short.
    static let removalChunk = 1000

    /// Throws unless the server offers UIDPLUS: without UID EXPUNGE, removing a
    /// message means an EXPUNGE that also removes every other message marked \Deleted.
    public func checkCanRemove() async throws {
        try await serially { connection in try await self.requireUIDPlus(connection) }
    }

    /// Removes the listed copies from `path`: marks them `\Deleted` and expunges
    /// exactly their UIDs (UID EXPUNGE), nothing else. Refuses when the mailbox's
    /// UIDVALIDITY is not the one the copies were listed under.
    public func remove(_ copies: [ExistingCopy], from path: FolderPath) async throws {
        guard !copies.isEmpty else { return }
        try await serially { connection in
            try await self.requireUIDPlus(connection)
            let name = try MailboxName.wireName(of: path, delimiter: try await self.delimiter(connection))
            var locators: [IMAPCopyLocator] = []
            for copy in copies {
                guard let locator = IMAPCopyLocator(copy) else { throw IMAPError.unknownCopy(mailbox: name, locator: copy.locator) }
                locators.append(locator)
            }
            let host = connection.endpoint.host
            let mailbox = SelectedMailbox(try await connection.execute(.select(mailbox: name, readOnly: false, parameters: .none)))
            do {
                guard let current = mailbox.uidValidity else {
                    throw IMAPError.missingData(host: host, mailbox: name, detail: "no UIDVALIDITY")
                }
                if let stale = locators.first(where: { $0.uidValidity != current }) {
                    throw IMAPError.uidValidityChanged(host: host, mailbox: name, listed: stale.uidValidity, current: current)
                }
                let uids = Array(Set(locators.map(\.uid))).sorted()
                for start in stride(from: 0, to: uids.count, by: Self.removalChunk) {
                    let set = UIDSet(uids[start..<min(start + Self.removalChunk, uids.count)])
                    try await connection.execute(.uidStore(set, action: "+FLAGS.SILENT", flags: ["\\Deleted"]))
                    try await connection.execute(.uidExpunge(set))
                }
            } catch {
                try? await self.leaveWithoutExpunge(name, connection)
                throw error
            }
            try await self.leaveWithoutExpunge(name, connection)
        }
    }

    private func requireUIDPlus(_ connection: IMAPConnection) async throws(IMAPError) {
        guard await connection.capabilities.contains("UIDPLUS") else {
            throw IMAPError.capabilityMissing(
                host: connection.endpoint.host, capability: "UIDPLUS",
                neededFor: "replacing messages (removing only the replaced copies)")
        }
    }

    /// Leaves the selected mailbox without expunging: UNSELECT, or where the server
    /// lacks it, EXAMINE (which deselects without expunge) and CLOSE.
    private func leaveWithoutExpunge(_ name: String, _ connection: IMAPConnection) async throws(IMAPError) {
        if await connection.capabilities.contains("UNSELECT") {
            try await connection.execute(.unselect)
        } else {
            try await connection.execute(.select(mailbox: name, readOnly: true, parameters: .none))
            try await connection.execute(.close)
        }
    }
}
