import BrickCore
import BrickMessage
import Foundation
import Logging

/// An IMAP account as a restore target: creates folders, lists what is there,
/// APPENDs messages with their flags and internal dates, and removes replaced copies
/// by UID (UIDPLUS).
///
/// Messages go in groups: one MULTIAPPEND (RFC 3502) per group where the server
/// offers it (Dovecot stores a group in one transaction, about ten times faster than
/// one APPEND per message), else pipelined single APPENDs. Literals are
/// non-synchronizing with LITERAL+ (or LITERAL- for small messages); otherwise each
/// waits for the server's `+`. A refused group is retried message by message, so each
/// item gets its own result.
public final class IMAPTarget: RestoreTarget {
    /// Tuning knobs.
    public struct Options: Sendable {
        /// Bytes of messages per group (one MULTIAPPEND, or pipelined APPENDs).
        public var appendWindowBytes: Int
        /// Messages per group.
        public var appendWindowCount: Int
        /// Bytes of bodies fetched per batch when hashing messages without Message-ID.
        public var digestBatchBytes: Int
        /// The ManageSieve port on the same host, for restoring Sieve scripts; nil: none.
        public var sievePort: Int? = 4190

        /// Creates options.
        public init(appendWindowBytes: Int = 16 << 20, appendWindowCount: Int = 500, digestBatchBytes: Int = 8 << 20) {
            self.appendWindowBytes = appendWindowBytes
            self.appendWindowCount = appendWindowCount
            self.digestBatchBytes = digestBatchBytes
        }
    }

    let provider: ConnectionProvider
    private let gate = SerialGate()
    let options: Options
    let endpoint: IMAPEndpoint
    let credentials: IMAPCredentials
    let logger: Logger

    /// Creates a target; nothing connects until the first call.
    public init(endpoint: IMAPEndpoint, credentials: IMAPCredentials, options: Options = Options(), logger: Logger = Logger(label: "brick.imap")) {
        self.provider = ConnectionProvider(endpoint: endpoint, credentials: credentials, logger: logger)
        self.options = options
        self.endpoint = endpoint
        self.credentials = credentials
        self.logger = logger
    }

    /// Creates `path` and its parents when missing (with the special use where the
    /// server offers CREATE-SPECIAL-USE), and subscribes them.
    public func prepareFolder(_ path: FolderPath, specialUse: SpecialUse?) async throws {
        try await serially { connection in
            guard path != .inbox else { return }
            guard !path.components.isEmpty else {
                throw IMAPError.invalidMailboxName(path: path.description, reason: "empty path")
            }
            let delimiter = try await self.delimiter(connection)
            let capabilities = await connection.capabilities
            for depth in 1...path.components.count {
                let prefix = FolderPath(Array(path.components.prefix(depth)))
                if prefix == .inbox { continue }
                let name = try MailboxName.wireName(of: prefix, delimiter: delimiter)
                let isLeaf = depth == path.components.count
                var use: String?
                if isLeaf, let specialUse, capabilities.contains("CREATE-SPECIAL-USE") { use = specialUse.rawValue }
                var created = try await connection.send(.create(mailbox: name, specialUse: use))
                if !created.isOK && use != nil && created.tagged.text.code != .alreadyExists {
                    created = try await connection.send(.create(mailbox: name, specialUse: nil))
                }
                if !created.isOK, try await !exists(name, connection) {
                    try await connection.check(created, .create(mailbox: name, specialUse: use))
                }
                try await connection.execute(.subscribe(mailbox: name))
            }
        }
    }

    /// The messages in `path` by fingerprint, each copy located by UIDVALIDITY and
    /// UID. Fingerprints follow the rule all restore targets share: the Message-ID
    /// without angle brackets and white space, or for messages without
    /// `MessageFingerprint.digestIdentity` of the bytes the server returns; and the
    /// internal date in whole seconds.
    public func existingMessages(in path: FolderPath) async throws -> [MessageFingerprint: [ExistingCopy]] {
        try await serially { connection in
            let name = try MailboxName.wireName(of: path, delimiter: try await self.delimiter(connection))
            let mailbox = SelectedMailbox(try await connection.execute(.select(mailbox: name, readOnly: true, parameters: .none)))
            guard mailbox.exists > 0 else { return [:] }
            let validity = mailbox.uidValidity ?? 0
            let all = UIDSet(ranges: [1...UInt32.max])
            let headers = try await connection.execute(.uidFetch(all, items: "UID INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]", modifiers: nil))
            var messages: [MessageFingerprint: [ExistingCopy]] = [:]
            var withoutID: [(uid: UInt32, size: Int)] = []
            var dates: [UInt32: Int64] = [:]
            for case .fetch(_, let attributes) in headers.untagged {
                guard let uid = attributes.uid else { continue }
                let date = Int64((attributes.internalDate ?? Date(timeIntervalSince1970: 0)).timeIntervalSince1970.rounded(.down))
                if let id = attributes.body(section: "HEADER.FIELDS (MESSAGE-ID)").flatMap({ MessageSummary(parsing: $0).messageID }) {
                    let copy = IMAPCopyLocator(uidValidity: validity, uid: uid).copy
                    messages[MessageFingerprint(identity: id, internalDate: date), default: []].append(copy)
                } else {
                    withoutID.append((uid, Int(attributes.rfc822Size ?? 0)))
                    dates[uid] = date
                }
            }
            for batch in FetchPlanner(byteLimit: self.options.digestBatchBytes).batches(withoutID) {
                let bodies = try await connection.execute(.uidFetch(UIDSet(batch), items: "UID BODY.PEEK[]", modifiers: nil))
                for case .fetch(_, let attributes) in bodies.untagged {
                    guard let uid = attributes.uid, let date = dates[uid], let body = attributes.body(section: "") else { continue }
                    let fingerprint = MessageFingerprint(identity: MessageFingerprint.digestIdentity(body), internalDate: date)
                    messages[fingerprint, default: []].append(IMAPCopyLocator(uidValidity: validity, uid: uid).copy)
                }
            }
            try await connection.execute(.close)
            return messages
        }
    }

    /// Appends `items` to `path`; one result per item, nil when it landed.
    public func append(_ items: [RestoreItem], to path: FolderPath) async throws -> [(any Error)?] {
        try await serially { connection in
            let name = try MailboxName.wireName(of: path, delimiter: try await self.delimiter(connection))
            let results = await self.append(try items.map(Self.message(for:)), to: name, on: connection)
            if results.contains(where: { ($0 as? IMAPError)?.isConnectionLevel == true }) {
                await self.provider.discard()
            }
            return results
        }
    }

    /// Logs out.
    public func finish() async throws {
        await gate.enter()
        await provider.discard()
        await gate.leave()
    }


    /// The APPEND arguments for an item: its flags without `\Recent` and without
    /// keywords that are not atoms, its internal date, and its bytes with CRLF line
    /// ends (a Maildir's bare LF is refused by some servers).
    static func message(for item: RestoreItem) throws -> AppendMessage {
        let flags = item.flags.imapNames.filter { name in
            name.caseInsensitiveCompare("\\Recent") != .orderedSame
                && (name.hasPrefix("\\") || name.utf8.allSatisfy(Grammar.isAtomChar))
        }
        // APPEND sends a literal held in memory: a large message is read whole here.
        return AppendMessage(flags: flags, internalDate: item.internalDate, data: LineEnds.crlf(try item.wholeBytes()))
    }

    func delimiter(_ connection: IMAPConnection) async throws(IMAPError) -> Character? {
        let completion = try await connection.execute(.list(pattern: "", returnOptions: nil))
        for case .list(let entry) in completion.untagged { return entry.delimiter }
        return "/"
    }

    private func exists(_ name: String, _ connection: IMAPConnection) async throws(IMAPError) -> Bool {
        let completion = try await connection.execute(.list(pattern: name, returnOptions: nil))
        return completion.untagged.contains { response in
            if case .list(let entry) = response { return entry.name == name && entry.isSelectable }
            return false
        }
    }

    /// Runs `body` alone on a working connection. A connection-level failure thrown
    /// by `body` is retried once on a new connection: thrown errors come before any
    /// APPEND is sent (APPEND failures are per-item results), so a retry cannot
    /// duplicate mail; removal by UID can be repeated.
    func serially<T>(_ body: (IMAPConnection) async throws -> T) async throws -> T {
        await gate.enter()
        var attempt = 0
        while true {
            do {
                let result = try await body(try await provider.connection())
                await gate.leave()
                return result
            } catch let error as IMAPError where error.isConnectionLevel && attempt == 0 {
                attempt += 1
                await provider.discard()
            } catch {
                if (error as? IMAPError)?.isConnectionLevel == true { await provider.discard() }
                await gate.leave()
                throw error
            }
        }
    }
}
