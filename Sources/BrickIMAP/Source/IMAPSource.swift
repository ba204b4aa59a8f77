import BrickCore
import Foundation
import Logging

/// An IMAP account as a backup source: lists folders and reports each folder's
/// changes since the last committed token, with CONDSTORE/QRESYNC where offered.
///
/// Calls are served one at a time on one connection. A connection that drops in the
/// middle of a folder is replaced (with backoff) and the folder resumes from the last
/// batch the sink committed.
public final class IMAPSource: MailSource {
    /// Tuning knobs.
    public struct Options: Sendable {
        /// Bytes of message data per batch (by RFC822.SIZE); a larger message goes alone.
        public var batchBytes: Int
        /// New connections tried after a connection-level failure within one call.
        public var retries: Int
        /// The first pause before reconnecting, in seconds; it doubles each time.
        public var retryDelay: Double
        /// The ManageSieve port on the same host, nil to leave Sieve scripts out.
        public var sievePort: Int?

        /// Creates options.
        public init(batchBytes: Int = 8 << 20, retries: Int = 3, retryDelay: Double = 0.5, sievePort: Int? = 4190) {
            self.batchBytes = batchBytes
            self.retries = retries
            self.retryDelay = retryDelay
            self.sievePort = sievePort
        }
    }

    private let provider: ConnectionProvider
    private let gate = SerialGate()
    let options: Options
    let logger: Logger
    let endpoint: IMAPEndpoint
    let credentials: IMAPCredentials
    /// The folders the last `listFolders` found, for the settings read after them.
    let lastListing = FolderListingCache()
    /// The Sieve scripts read `prepareSettings` started, for the settings read after
    /// the folders.
    let preparedScripts = PreparedScriptsRead()

    /// Creates a source; nothing connects until the first call.
    public init(endpoint: IMAPEndpoint, credentials: IMAPCredentials, options: Options = Options(), logger: Logger = Logger(label: "brick.imap")) {
        self.provider = ConnectionProvider(endpoint: endpoint, credentials: credentials, logger: logger)
        self.options = options
        self.logger = logger
        self.endpoint = endpoint
        self.credentials = credentials
    }

    /// The folders upstream, parents before children; see `FolderLister`.
    public func listFolders() async throws -> [SourceFolder] {
        let folders = try await withRetries { connection in
            try await FolderLister(connection: connection).list()
        }
        lastListing.store(folders)
        return folders
    }

    /// Streams the changes of `folder` since `state` into `sink`.
    /// A folder that cannot be selected (`\Noselect`) has no items: nothing is reported.
    public func synchronize(_ folder: SourceFolder, from state: FolderSyncState, into sink: any ChangeSink) async throws {
        guard folder.selectable else { return }
        let recorder = RecordingSink(sink)
        try await withRetries { connection in
            let resumed = await recorder.lastToken
            var current = state
            current.token = resumed ?? state.token
            try await FolderSynchronizer(
                connection: connection, folder: folder, state: current, sink: recorder,
                planner: FetchPlanner(byteLimit: options.batchBytes), logger: logger
            ).run()
            // Leave the folder: Dovecot answers LIST-STATUS for the selected mailbox
            // from the selected view, so a folder deleted and recreated by another
            // session would keep showing its old UIDVALIDITY on this connection.
            let unselect: Command = await connection.capabilities.contains("UNSELECT") ? .unselect : .close
            try await connection.execute(unselect)
        }
    }

    /// Commands sent on the current connection, by name (diagnostics and tests).
    func commandCounts() async -> [String: Int] {
        await provider.openConnection?.commandCounts ?? [:]
    }

    /// Closes the connection at once, from another task, and refuses to reconnect:
    /// the call in progress fails (a user's deadline passed).
    public func abort() async {
        await provider.abort()
    }

    /// The stored token with its modseq and UID cleared: the folder's UIDs, flags and
    /// sizes are listed and compared with the store (no QRESYNC or CONDSTORE shortcut),
    /// and only messages the store lacks are fetched. A changed UIDVALIDITY still
    /// fetches the new generation.
    public func auditToken(for stored: String?) -> String? {
        SyncToken(stored).map { SyncToken(uidValidity: $0.uidValidity, modSeq: 0, committedUID: 0).description }
    }

    /// Logs out and closes the connection.
    public func close() async {
        await gate.enter()
        await provider.discard()
        await gate.leave()
    }

    /// Runs `body` alone, on a working connection, retrying connection-level failures.
    func withRetries<T>(_ body: (IMAPConnection) async throws -> T) async throws -> T {
        await gate.enter()
        do {
            let result = try await retrying(body)
            await gate.leave()
            return result
        } catch {
            await gate.leave()
            throw error
        }
    }

    private func retrying<T>(_ body: (IMAPConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                let connection = try await provider.connection()
                return try await body(connection)
            } catch let error as IMAPError where error.isConnectionLevel && attempt < options.retries {
                attempt += 1
                let delay = options.retryDelay * Double(1 << (attempt - 1))
                logger.warning("IMAP connection failed; reconnecting", metadata: [
                    "error": "\(error)", "attempt": "\(attempt)", "delay": "\(delay)",
                ])
                await provider.discard()
                try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
            }
        }
    }
}
