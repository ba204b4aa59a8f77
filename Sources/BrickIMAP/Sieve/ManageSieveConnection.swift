import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// A ManageSieve session (RFC 5804) with the IMAP server's host, on its own port
/// (4190 by default). TLS follows the IMAP endpoint's rules: STARTTLS is required
/// (no fallback to plain text) unless the endpoint says `never`; ManageSieve has no
/// implicit-TLS port, so an `imaps://` endpoint means STARTTLS here. Login is SASL
/// PLAIN with the same credentials, the admin as authentication id and the user as
/// authorization id (Dovecot's Pigeonhole and Cyrus's timsieved accept it).
actor ManageSieveConnection {
    /// Capabilities by name (uppercased), with their values: `SASL`, `SIEVE`, `STARTTLS`.
    private(set) var capabilities: [String: String] = [:]
    private let channel: any Channel
    let host: String

    private init(channel: any Channel, host: String) {
        self.channel = channel
        self.host = host
    }

    /// Connects to `port` on the endpoint's host, reads the greeting, sets up TLS and logs in.
    static func open(
        endpoint: IMAPEndpoint, port: Int, credentials: IMAPCredentials, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(IMAPError) -> ManageSieveConnection {
        let host = endpoint.host
        let loop = group.next()
        let greeting = loop.makePromise(of: SieveResponse.self)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(endpoint.connectTimeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(IdleStateHandler(readTimeout: .milliseconds(Int64(endpoint.readTimeout * 1000))))
                    try pipeline.addHandler(ManageSieveHandler(host: host, greeting: greeting))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            greeting.fail(error)
            throw .connectionFailed(host: host, port: port, underlying: String(describing: error))
        }
        let connection = ManageSieveConnection(channel: channel, host: host)
        do {
            await connection.absorb(try await connection.wait(greeting.futureResult))
            if endpoint.tls != .never { try await connection.startTLS(endpoint) }
            try await connection.authenticate(credentials)
        } catch {
            await connection.close()
            throw error
        }
        logger.debug("ManageSieve session open", metadata: ["host": "\(host)", "port": "\(port)"])
        return connection
    }

    /// Opens a session on `port`, runs `body` in it and closes it, whatever `body`
    /// came to. Nothing listening on the port means a host without ManageSieve
    /// (`absent`), which callers report as a note rather than a failure.
    static func withSession<Value: Sendable>(
        endpoint: IMAPEndpoint, port: Int, credentials: IMAPCredentials, logger: Logger,
        _ body: (ManageSieveConnection) async throws(IMAPError) -> Value
    ) async -> SieveSessionOutcome<Value> {
        let sieve: ManageSieveConnection
        do {
            sieve = try await open(endpoint: endpoint, port: port, credentials: credentials, logger: logger)
        } catch .connectionFailed {
            return .absent
        } catch {
            return .failed(error)
        }
        let outcome: SieveSessionOutcome<Value>
        do {
            outcome = .done(try await body(sieve))
        } catch {
            outcome = .failed(error)
        }
        await sieve.close()
        return outcome
    }

    /// Sends one command and waits for its response.
    func send(_ bytes: [UInt8]) async throws(IMAPError) -> SieveResponse {
        try await pipeline([bytes])[0]
    }

    /// Sends commands at once and waits for each response, in order.
    func pipeline(_ commands: [[UInt8]]) async throws(IMAPError) -> [SieveResponse] {
        let promises = commands.map { _ in channel.eventLoop.makePromise(of: SieveResponse.self) }
        let bytes = commands.reduce(into: [UInt8]()) { $0 += $1 }
        channel.writeAndFlush(SieveRequest(bytes: bytes, promises: promises), promise: nil)
        var responses: [SieveResponse] = []
        for promise in promises { responses.append(try await wait(promise.futureResult)) }
        return responses
    }

    /// Fails with `commandFailed` unless `response` is OK.
    func check(_ response: SieveResponse, command: String, name: String? = nil) throws(IMAPError) {
        guard response.status == .ok else {
            throw .commandFailed(host: host, mailbox: name, command: command, status: response.status.rawValue, serverText: response.text)
        }
    }

    /// Sends LOGOUT and closes, without waiting for the answer (the server ends the
    /// session either way).
    func close() async {
        if channel.isActive { _ = try? await channel.writeAndFlush(SieveRequest(bytes: Array("LOGOUT\r\n".utf8), promises: [])).get() }
        try? await channel.close().get()
    }

    private func wait(_ future: EventLoopFuture<SieveResponse>) async throws(IMAPError) -> SieveResponse {
        try await ChannelSupport.wait(future, host: host)
    }

    /// Takes the capability lines of a greeting or a CAPABILITY response.
    private func absorb(_ response: SieveResponse) {
        var found: [String: String] = [:]
        for line in response.lines {
            guard let name = line.first?.text.uppercased() else { continue }
            found[name] = line.count > 1 ? line[1].text : ""
        }
        capabilities = found
    }

    /// STARTTLS, then the capabilities the server sends again after the handshake.
    private func startTLS(_ endpoint: IMAPEndpoint) async throws(IMAPError) {
        guard capabilities["STARTTLS"] != nil else { throw .startTLSUnavailable(host: host) }
        let started = channel.eventLoop.makePromise(of: SieveResponse.self)
        let renewed = channel.eventLoop.makePromise(of: SieveResponse.self)
        channel.writeAndFlush(SieveRequest(bytes: Array("STARTTLS\r\n".utf8), promises: [started, renewed]), promise: nil)
        try check(try await wait(started.futureResult), command: "STARTTLS")
        let context = try IMAPConnection.makeTLSContext(endpoint)
        try await ChannelSupport.addTLS(to: channel, context: context, host: host)
        absorb(try await wait(renewed.futureResult))
    }

    /// `AUTHENTICATE "PLAIN"` with the initial response.
    private func authenticate(_ credentials: IMAPCredentials) async throws(IMAPError) {
        var message = Array((credentials.adminUser == nil ? "" : credentials.user).utf8)
        message.append(0)
        message += Array(credentials.authenticationName.utf8)
        message.append(0)
        message += Array(credentials.password.utf8)
        let command = Array("AUTHENTICATE \"PLAIN\" ".utf8) + SieveArgument.encode(Data(message).base64EncodedString()) + Array("\r\n".utf8)
        let response = try await send(command)
        guard response.status == .ok else {
            throw .authenticationFailed(host: host, user: credentials.description, serverText: response.text)
        }
    }
}

/// What a ManageSieve session (`ManageSieveConnection.withSession`) came to.
enum SieveSessionOutcome<Value: Sendable>: Sendable {
    /// The session ran; the body's result.
    case done(Value)
    /// Nothing listens on the port: the host has no ManageSieve.
    case absent
    /// The session could not be opened (TLS, login) or failed in the body.
    case failed(IMAPError)
}
