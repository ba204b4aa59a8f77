import Foundation
import NIOCore
import Logging

/// Reads every message body of an account and keeps nothing: per folder one
/// `EXAMINE` and one `UID FETCH 1:* (BODY.PEEK[])`, all pipelined, bodies counted as
/// they stream in. It is the floor a backup's speed is measured against.
public enum IMAPRawReader {
    /// What a read saw.
    public struct Totals: Sendable, Equatable {
        /// Selectable folders read.
        public var folders: Int
        /// Message bodies received.
        public var messages: Int
        /// Bytes of message bodies received.
        public var bytes: Int
    }

    /// Reads all selectable folders of the account.
    public static func readAll(
        endpoint: IMAPEndpoint, credentials: IMAPCredentials, logger: Logger = Logger(label: "brick.imap")
    ) async throws -> Totals {
        let provider = ConnectionProvider(endpoint: endpoint, credentials: credentials, logger: logger)
        let connection = try await provider.connection()
        do {
            let listed = try await connection.execute(.list(pattern: "*", returnOptions: nil))
            let names = listed.untagged.compactMap { response -> String? in
                if case .list(let entry) = response, entry.isSelectable { return entry.name }
                return nil
            }
            let counter = BodyCounter()
            var futures: [(Command, EventLoopFutureOfCompletion)] = []
            for name in names {
                let examine = Command.select(mailbox: name, readOnly: true, parameters: .none)
                futures.append((examine, await connection.submit(examine, flush: false)))
                let fetch = Command.uidFetch(UIDSet(ranges: [1...UInt32.max]), items: "BODY.PEEK[]", modifiers: nil)
                futures.append((fetch, await connection.submit(fetch, flush: false) { response in
                    if case .fetch(_, let attributes) = response, let body = attributes.body(section: "") {
                        counter.add(body.count)
                    }
                }))
            }
            futures.append((.noop, await connection.submit(.noop)))
            for (command, future) in futures { _ = try await connection.complete(future, command) }
            await provider.discard()
            return Totals(folders: names.count, messages: counter.messages, bytes: counter.bytes)
        } catch {
            await provider.discard()
            throw error
        }
    }
}

/// A future completion, as `IMAPConnection.submit` returns it.
typealias EventLoopFutureOfCompletion = EventLoopFuture<CommandCompletion>

/// Counts bodies from the event loop; read after the commands completed.
private final class BodyCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var total = 0

    func add(_ size: Int) {
        lock.withLock {
            count += 1
            total += size
        }
    }

    var messages: Int { lock.withLock { count } }
    var bytes: Int { lock.withLock { total } }
}
