import BrickCore
import Foundation
import Logging

/// One attempt at bringing one folder up to date, on one connection.
///
/// The path depends on what is known (see `SyncToken`) and what the server offers:
/// no token or a new UIDVALIDITY → everything; QRESYNC and a known modseq → changes
/// since that modseq; CONDSTORE alone and a known modseq → flag changes since it, new
/// UIDs, and a UID list only when the message count shows expunges; otherwise → a diff
/// of the server's UIDs and flags against the store's present items.
struct FolderSynchronizer {
    let connection: IMAPConnection
    let folder: SourceFolder
    let state: FolderSyncState
    let sink: any ChangeSink
    let planner: FetchPlanner
    let logger: Logger

    /// Runs the attempt; the sink has every batch committed when it returns.
    func run() async throws {
        let token = SyncToken(state.token)
        let capabilities = await connection.capabilities
        let qresync = capabilities.contains("QRESYNC")
        let condStore = qresync || capabilities.contains("CONDSTORE")
        let parameters: SelectParameters
        if qresync, let token, token.modSeq > 0 {
            parameters = .qresync(uidValidity: token.uidValidity, modSeq: token.modSeq)
        } else {
            parameters = condStore ? .condStore : .none
        }
        let selectCommand = Command.select(mailbox: folder.upstreamName, readOnly: true, parameters: parameters)
        let mailbox = SelectedMailbox(try await connection.execute(selectCommand))
        guard let uidValidity = mailbox.uidValidity else {
            throw IMAPError.missingData(host: connection.endpoint.host, mailbox: folder.path.description, detail: "no UIDVALIDITY")
        }
        guard let token else {
            return try await fetchEverything(mailbox, uidValidity: uidValidity, retire: false)
        }
        if token.uidValidity != uidValidity {
            logger.notice("UIDVALIDITY changed: the old generation is retired and the folder fetched anew", metadata: [
                "folder": "\(folder.path)", "old": "\(token.uidValidity)", "new": "\(uidValidity)",
            ])
            return try await fetchEverything(mailbox, uidValidity: uidValidity, retire: true)
        }
        if case .qresync = parameters, let highest = mailbox.highestModSeq {
            return try await fetchChanges(mailbox, token: token, highestModSeq: highest)
        }
        if case .condStore = parameters, token.modSeq > 0, let highest = mailbox.highestModSeq {
            return try await fetchChangedSince(mailbox, token: token, highestModSeq: highest)
        }
        try await diffAgainstStore(mailbox, token: token)
    }

    /// First run, or a new generation: every message.
    private func fetchEverything(_ mailbox: SelectedMailbox, uidValidity: UInt32, retire: Bool) async throws {
        let sizes = try await messageSizes(after: 0, exists: mailbox.exists)
        let final = SyncToken(uidValidity: uidValidity, modSeq: mailbox.highestModSeq ?? 0, committedUID: sizes.map(\.uid).max() ?? 0)
        let progress = SyncToken(uidValidity: uidValidity, modSeq: 0, committedUID: 0)
        try await fetchBodies(sizes, first: ChangeBatch(retirePresentItems: retire), progress: progress, final: final)
    }

    /// QRESYNC: the SELECT already reported flag changes and expunges since the
    /// token's modseq; only new UIDs need bodies. Same HIGHESTMODSEQ: nothing to do.
    private func fetchChanges(_ mailbox: SelectedMailbox, token: SyncToken, highestModSeq: UInt64) async throws {
        guard highestModSeq != token.modSeq else { return }
        let validity = token.uidValidity
        var first = ChangeBatch()
        let known = token.knownUID
        for change in mailbox.changed where change.uid <= known {
            first.flagChanges.append(FlagChange(
                key: .imap(uidValidity: validity, uid: change.uid), flags: ItemFlags(imapNames: change.flags), modSeq: change.modSeq))
        }
        for range in mailbox.vanished.ranges where range.lowerBound <= known {
            for uid in range.lowerBound...min(range.upperBound, known) {
                first.vanished.append(.imap(uidValidity: validity, uid: uid))
            }
        }
        var sizes: [(uid: UInt32, size: Int)] = []
        if mailbox.uidNext.map({ UInt64($0) > UInt64(token.committedUID) + 1 }) ?? true {
            sizes = try await newMessageSizes(token, exists: mailbox.exists)
        }
        let final = SyncToken(uidValidity: validity, modSeq: highestModSeq, committedUID: max(known, sizes.map(\.uid).max() ?? 0))
        try await fetchBodies(sizes, first: first, progress: token, final: final)
    }

    /// CONDSTORE without QRESYNC (RFC 7162 §3.1): flag changes come from
    /// `UID FETCH … (FLAGS) (CHANGEDSINCE modseq)`, bodies for UIDs above the committed
    /// one. Expunges leave no trace in CONDSTORE, so the message count decides: when
    /// EXISTS is not the stored present count plus the new messages, the server's UID
    /// list (UIDs only, no flags) shows which are gone.
    private func fetchChangedSince(_ mailbox: SelectedMailbox, token: SyncToken, highestModSeq: UInt64) async throws {
        let validity = token.uidValidity
        var first = ChangeBatch()
        let known = token.knownUID
        if highestModSeq != token.modSeq, known > 0, mailbox.exists > 0 {
            let command = Command.uidFetch(
                UIDSet(ranges: [1...known]), items: "UID FLAGS", modifiers: "CHANGEDSINCE \(token.modSeq)")
            for case .fetch(_, let attributes) in try await connection.execute(command).untagged {
                guard let uid = attributes.uid, uid <= known, let flags = attributes.flags else { continue }
                first.flagChanges.append(FlagChange(key: .imap(uidValidity: validity, uid: uid), flags: ItemFlags(imapNames: flags), modSeq: attributes.modSeq))
            }
        }
        var sizes: [(uid: UInt32, size: Int)] = []
        if mailbox.uidNext.map({ UInt64($0) > UInt64(token.committedUID) + 1 }) ?? true {
            sizes = try await newMessageSizes(token, exists: mailbox.exists)
        }
        let prefix = "\(validity)."
        let present = Set(try state.loadPresentItems().keys.compactMap { key in
            key.rawValue.hasPrefix(prefix) ? UInt32(key.rawValue.dropFirst(prefix.count)) : nil
        })
        if Int(mailbox.exists) != present.count + sizes.count {
            var onServer = Set<UInt32>()
            if known > 0, mailbox.exists > 0 {
                let command = Command.uidFetch(UIDSet(ranges: [1...known]), items: "UID", modifiers: nil)
                for case .fetch(_, let attributes) in try await connection.execute(command).untagged {
                    if let uid = attributes.uid { onServer.insert(uid) }
                }
            }
            first.vanished = present.subtracting(onServer).sorted().map { .imap(uidValidity: validity, uid: $0) }
        }
        let final = SyncToken(uidValidity: validity, modSeq: highestModSeq, committedUID: max(known, sizes.map(\.uid).max() ?? 0))
        guard !first.flagChanges.isEmpty || !first.vanished.isEmpty || !sizes.isEmpty || final != token else { return }
        try await fetchBodies(sizes, first: first, progress: token, final: final)
    }

    /// Without QRESYNC (or after an interrupted first run): compare the server's UIDs
    /// and flags with what the store holds as present.
    private func diffAgainstStore(_ mailbox: SelectedMailbox, token: SyncToken) async throws {
        let validity = token.uidValidity
        let prefix = "\(validity)."
        var present: [UInt32: ItemFlags] = [:]
        for (key, flags) in try state.loadPresentItems() where key.rawValue.hasPrefix(prefix) {
            if let uid = UInt32(key.rawValue.dropFirst(prefix.count)) { present[uid] = flags }
        }
        var server: [(uid: UInt32, size: Int, flags: [String], modSeq: UInt64?)] = []
        if mailbox.exists > 0 {
            let command = Command.uidFetch(UIDSet(ranges: [1...UInt32.max]), items: "UID FLAGS RFC822.SIZE", modifiers: nil)
            for case .fetch(_, let attributes) in try await connection.execute(command).untagged {
                guard let uid = attributes.uid, let flags = attributes.flags else { continue }
                server.append((uid, Int(attributes.rfc822Size ?? 0), flags, attributes.modSeq))
            }
        }
        var first = ChangeBatch()
        var onServer = Set<UInt32>()
        var new: [(uid: UInt32, size: Int)] = []
        for message in server {
            onServer.insert(message.uid)
            if let stored = present[message.uid] {
                let flags = ItemFlags(imapNames: message.flags)
                if flags != stored {
                    first.flagChanges.append(FlagChange(key: .imap(uidValidity: validity, uid: message.uid), flags: flags, modSeq: message.modSeq))
                }
            } else {
                new.append((message.uid, message.size))
            }
        }
        first.vanished = present.keys.filter { !onServer.contains($0) }.sorted().map { .imap(uidValidity: validity, uid: $0) }
        let highestUID = max(token.committedUID, server.map(\.uid).max() ?? 0)
        let final = SyncToken(uidValidity: validity, modSeq: mailbox.highestModSeq ?? 0, committedUID: highestUID)
        let progress = SyncToken(uidValidity: validity, modSeq: 0, committedUID: token.committedUID)
        try await fetchBodies(new, first: first, progress: progress, final: final)
    }

    /// The messages above the token's committed UID that the store does not hold:
    /// after a gap (see `SyncToken.storedUID`), those the store holds up to the
    /// stored UID are left out, so only the missing ones are fetched again.
    private func newMessageSizes(_ token: SyncToken, exists: UInt32) async throws -> [(uid: UInt32, size: Int)] {
        var sizes = try await messageSizes(after: token.committedUID, exists: exists)
        guard let stored = token.storedUID else { return sizes }
        let prefix = "\(token.uidValidity)."
        let present = Set(try state.loadPresentItems().keys.compactMap { key in
            key.rawValue.hasPrefix(prefix) ? UInt32(key.rawValue.dropFirst(prefix.count)) : nil
        })
        sizes.removeAll { $0.uid <= stored && present.contains($0.uid) }
        return sizes
    }

    /// `(uid, RFC822.SIZE)` of messages with a UID above `uid`.
    private func messageSizes(after uid: UInt32, exists: UInt32) async throws(IMAPError) -> [(uid: UInt32, size: Int)] {
        guard exists > 0, uid < UInt32.max else { return [] }
        let command = Command.uidFetch(UIDSet(ranges: [(uid + 1)...UInt32.max]), items: "UID RFC822.SIZE", modifiers: nil)
        var sizes: [(uid: UInt32, size: Int)] = []
        for case .fetch(_, let attributes) in try await connection.execute(command).untagged {
            if let found = attributes.uid, found > uid { sizes.append((found, Int(attributes.rfc822Size ?? 0))) }
        }
        return sizes
    }
}
