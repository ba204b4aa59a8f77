import Logging

/// Holds one logged-in connection and makes a new one when asked after a failure.
actor ConnectionProvider {
    private let endpoint: IMAPEndpoint
    private let credentials: IMAPCredentials
    private let logger: Logger
    private var current: IMAPConnection?
    private var aborted = false

    /// Creates a provider; nothing connects until `connection()`.
    init(endpoint: IMAPEndpoint, credentials: IMAPCredentials, logger: Logger) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.logger = logger
    }

    /// The connection, connecting, logging in and enabling QRESYNC when needed.
    func connection() async throws(IMAPError) -> IMAPConnection {
        if aborted { throw .connectionClosed(host: endpoint.host, serverText: "aborted: the user's deadline passed") }
        if let current { return current }
        let connection = try await IMAPConnection.connect(to: endpoint, logger: logger)
        do {
            try await connection.authenticate(credentials)
            let capabilities = await connection.capabilities
            var setup: [Command] = []
            if capabilities.contains("ID") { setup.append(.id([IDField(key: "name", value: "brick")])) }
            if capabilities.contains("QRESYNC") {
                setup.append(.enable(["QRESYNC"]))
            } else if capabilities.contains("CONDSTORE") {
                setup.append(.enable(["CONDSTORE"]))
            }
            for (command, result) in zip(setup, await connection.pipeline(setup)) {
                let completion = try result.get()
                try await connection.check(completion, command)
                for case .id(let fields) in completion.untagged { await connection.recordServerID(fields) }
            }
        } catch {
            await connection.close()
            throw error
        }
        current = connection
        return connection
    }

    /// The open connection, if any, without connecting.
    var openConnection: IMAPConnection? { current }

    /// Closes the connection at once and refuses new ones (a deadline passed).
    func abort() {
        aborted = true
        current?.abort()
    }

    /// Drops the connection (after an error); the next call makes a new one.
    func discard() async {
        let old = current
        current = nil
        await old?.close()
    }
}

/// Lets one task at a time through, in arrival order.
actor SerialGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Waits for the turn.
    func enter() async {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
    }

    /// Hands the turn to the next waiter.
    func leave() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
