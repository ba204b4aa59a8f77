import BrickCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One authenticated-or-not connection to an IMAP server. Commands may be issued
/// from any task; they are written in order and may be pipelined.
actor IMAPConnection {
    /// The endpoint this connection goes to.
    let endpoint: IMAPEndpoint
    /// The capabilities announced most recently.
    private(set) var capabilities: Capabilities
    /// How many times each command was sent, by name (for tests and diagnostics).
    private(set) var commandCounts: [String: Int] = [:]
    /// What the server said of itself in answer to ID (RFC 2971), keys lowercased.
    private(set) var serverID: [String: String] = [:]
    private let channel: any Channel
    private let logger: Logger
    private let end: ConnectionEnd

    /// Completes when the connection has closed, from either side (for tests and
    /// diagnostics).
    nonisolated var closed: EventLoopFuture<Void> { channel.closeFuture }

    /// Records the server's ID answer.
    func recordServerID(_ fields: [IDField]) {
        for field in fields { serverID[field.key.lowercased()] = field.value }
    }

    /// The server's known defects that change what the client asks for.
    var quirks: ServerQuirks { ServerQuirks(serverID: serverID) }

    private init(endpoint: IMAPEndpoint, channel: any Channel, capabilities: Capabilities, logger: Logger, end: ConnectionEnd) {
        self.end = end
        self.endpoint = endpoint
        self.channel = channel
        self.capabilities = capabilities
        self.logger = logger
    }

    /// Connects, reads the greeting, and sets up TLS as `endpoint.tls` asks.
    static func connect(
        to endpoint: IMAPEndpoint, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(IMAPError) -> IMAPConnection {
        let host = endpoint.host
        if endpoint.insecure && endpoint.tls != .never {
            logger.warning("TLS certificate verification is off (insecure)", metadata: ["host": "\(host)"])
        }
        let tlsContext = try endpoint.tls == .never ? nil : makeTLSContext(endpoint)
        let loop = group.next()
        let greeting = loop.makePromise(of: ResponseText.self)
        let end = ConnectionEnd()
        let implicitContext = endpoint.tls == .implicit ? tlsContext : nil
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(endpoint.connectTimeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let implicitContext {
                        try pipeline.addHandler(NIOSSLClientHandler(context: implicitContext, serverHostname: sniName(host)))
                    }
                    try pipeline.addHandler(IdleStateHandler(readTimeout: .milliseconds(Int64(endpoint.readTimeout * 1000))))
                    try pipeline.addHandler(IMAPChannelHandler(host: host, logger: logger, greeting: greeting, end: end))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: endpoint.port).get()
        } catch {
            greeting.fail(error)
            throw .connectionFailed(host: host, port: endpoint.port, underlying: String(describing: error))
        }
        let text: ResponseText
        do {
            text = try await greeting.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw mapError(error, host: host)
        }
        var capabilities = Capabilities([])
        if case .capability(let names) = text.code { capabilities = Capabilities(names) }
        let connection = IMAPConnection(endpoint: endpoint, channel: channel, capabilities: capabilities, logger: logger, end: end)
        do {
            if capabilities.names.isEmpty { try await connection.refreshCapabilities() }
            if let tlsContext, endpoint.tls == .startTLS {
                try await connection.startTLS(context: tlsContext)
            }
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// Sends one command and waits for its completion, whatever its status.
    func send(_ command: Command) async throws(IMAPError) -> CommandCompletion {
        try await pipeline([command])[0].get()
    }

    /// Sends one command and fails unless it completes with OK.
    @discardableResult
    func execute(_ command: Command) async throws(IMAPError) -> CommandCompletion {
        let completion = try await send(command)
        try check(completion, command)
        return completion
    }

    /// Writes all commands at once and waits for each; results are in order.
    func pipeline(_ commands: [Command]) async -> [Result<CommandCompletion, IMAPError>] {
        let futures = commands.map { submit($0, flush: false) }
        channel.flush()
        var results: [Result<CommandCompletion, IMAPError>] = []
        for future in futures {
            do {
                let completion = try await future.get()
                absorbCapabilities(completion)
                results.append(.success(completion))
            } catch {
                results.append(.failure(Self.mapError(error, host: endpoint.host)))
            }
        }
        return results
    }

    /// Writes a command now and returns its completion to await later, so the next
    /// command can be on the wire while the caller works on the previous result.
    /// With `onUntagged`, the command's untagged responses go there as they arrive
    /// (on the event loop; keep it short) and its completion holds none.
    func submit(
        _ command: Command, flush: Bool = true, onUntagged: (@Sendable (UntaggedResponse) -> Void)? = nil
    ) -> EventLoopFuture<CommandCompletion> {
        let capabilities = self.capabilities
        let promise = channel.eventLoop.makePromise(of: CommandCompletion.self)
        let request = IMAPRequest(
            factory: { tag in command.encode(tag: tag, capabilities: capabilities) },
            name: command.name, discardsBufferedInput: command.name == "STARTTLS", promise: promise,
            onUntagged: onUntagged)
        commandCounts[command.name, default: 0] += 1
        // A write to a channel that has closed never reaches the handler: fail the
        // command here, or its caller would wait forever, with why the connection
        // ended when the handler saw it (a server's BYE, say "Disconnected for
        // inactivity"), else with the write's own error.
        let written = channel.eventLoop.makePromise(of: Void.self)
        let host = endpoint.host
        let end = self.end
        written.futureResult.whenFailure { error in
            promise.fail(end.recorded ?? IMAPError.connectionClosed(host: host, serverText: String(describing: error)))
        }
        if flush {
            channel.writeAndFlush(request, promise: written)
        } else {
            channel.write(request, promise: written)
        }
        return promise.futureResult
    }

    /// Awaits a submitted command and fails unless it completed with OK.
    func complete(_ future: EventLoopFuture<CommandCompletion>, _ command: Command) async throws(IMAPError) -> CommandCompletion {
        let completion = try await ChannelSupport.wait(future, host: endpoint.host)
        try check(completion, command)
        return completion
    }

    /// Throws `commandFailed` unless `completion` is OK.
    func check(_ completion: CommandCompletion, _ command: Command) throws(IMAPError) {
        guard completion.isOK else {
            throw .commandFailed(
                host: endpoint.host, mailbox: command.mailbox.map(ModifiedUTF7.decodeLeniently),
                command: command.name, status: completion.tagged.status.rawValue,
                serverText: completion.tagged.text.text)
        }
    }

    /// Asks for the capabilities again.
    func refreshCapabilities() async throws(IMAPError) {
        let completion = try await execute(.capability)
        for case .capability(let names) in completion.untagged { capabilities = Capabilities(names) }
    }

    /// Closes the connection at once, from any task, without LOGOUT: commands in
    /// flight fail with `connectionClosed` (a user's deadline passed).
    nonisolated func abort() {
        channel.close(promise: nil)
    }

    /// Sends LOGOUT, waits at most five seconds for the answer, and closes.
    func close() async {
        if channel.isActive {
            let logout = submit(.logout)
            let deadline = channel.eventLoop.scheduleTask(in: .seconds(5)) { self.channel.close(promise: nil) }
            _ = try? await logout.get()
            deadline.cancel()
        }
        try? await channel.close().get()
    }

    private func absorbCapabilities(_ completion: CommandCompletion) {
        if case .capability(let names) = completion.tagged.text.code {
            capabilities = Capabilities(names)
        }
        for case .capability(let names) in completion.untagged {
            capabilities = Capabilities(names)
        }
    }

    /// Upgrades to TLS; a server that does not offer STARTTLS ends the connection
    /// (never a fallback to plain text, which a man in the middle could force by
    /// stripping the capability).
    private func startTLS(context: NIOSSLContext) async throws(IMAPError) {
        guard capabilities.contains("STARTTLS") else { throw .startTLSUnavailable(host: endpoint.host) }
        try await execute(.startTLS)
        try await ChannelSupport.addTLS(to: channel, context: context, host: endpoint.host)
        capabilities = Capabilities([])
        do {
            try await refreshCapabilities()
        } catch {
            // The first command after STARTTLS is where a refused handshake shows,
            // either as the TLS error itself or as the channel it closed.
            switch error {
            case .tlsFailed: throw error
            case .connectionClosed, .protocolError: throw .tlsFailed(host: endpoint.host, underlying: error.description)
            default: throw error
            }
        }
    }

    static func makeTLSContext(_ endpoint: IMAPEndpoint) throws(IMAPError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if endpoint.insecure { configuration.certificateVerification = .none }
        if let caFile = endpoint.caFile { configuration.trustRoots = .file(caFile) }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .tlsFailed(host: endpoint.host, underlying: String(describing: error))
        }
    }

    /// The SNI name: the host, unless it is an IP address (then the certificate is
    /// checked against the address instead).
    static func sniName(_ host: String) -> String? {
        let isIPv4 = host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        return isIPv4 || host.contains(":") ? nil : host
    }

    private static func mapError(_ error: any Error, host: String) -> IMAPError {
        ChannelSupport.mapError(error, host: host)
    }
}
