import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP/1.1 connection (TLS when the endpoint says so, verified unless
/// `insecure`), kept alive between requests. Requests go one at a time.
final class HTTPConnection: Sendable {
    private let channel: any Channel
    private let collector: NIOLoopBound<HTTPResponseCollector>
    let endpoint: DAVEndpoint

    private init(channel: any Channel, collector: NIOLoopBound<HTTPResponseCollector>, endpoint: DAVEndpoint) {
        self.channel = channel
        self.collector = collector
        self.endpoint = endpoint
    }

    /// True while the server has not closed the connection.
    var isActive: Bool { channel.isActive }

    /// Connects to `endpoint`, warning on `logger` when TLS goes unverified.
    static func connect(
        to endpoint: DAVEndpoint, bodyLimit: Int, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(DAVError) -> HTTPConnection {
        let host = endpoint.host
        if endpoint.insecure && endpoint.tls {
            logger.warning("TLS certificate verification is off (insecure)", metadata: ["host": "\(host)"])
        }
        let tlsContext = try endpoint.tls ? makeTLSContext(endpoint) : nil
        let loop = group.next()
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(endpoint.connectTimeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tlsContext {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: sniName(host)))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(IdleStateHandler(readTimeout: .milliseconds(Int64(endpoint.readTimeout * 1000))))
                    try pipeline.addHandler(HTTPResponseCollector(host: host, limit: bodyLimit))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: endpoint.port).get()
        } catch {
            throw .connectionFailed(host: host, port: endpoint.port, underlying: String(describing: error))
        }
        do {
            let collector = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: HTTPResponseCollector.self), eventLoop: channel.eventLoop)
            }.get()
            return HTTPConnection(channel: channel, collector: collector, endpoint: endpoint)
        } catch {
            channel.close(promise: nil)
            throw .connectionClosed(host: host, detail: String(describing: error))
        }
    }

    /// Sends `request` and waits for its whole response. `written` becomes true once the
    /// whole request has gone to the socket: from then on the server may have acted on
    /// it, even when the connection fails before an answer comes.
    func send(_ request: HTTPRequestMessage, authorization: String?, written: inout Bool) async throws(DAVError) -> HTTPResponseMessage {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.hostHeader)
        headers.add(name: "User-Agent", value: "brick-backup")
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        for (name, value) in request.headers { headers.add(name: name, value: value) }
        headers.add(name: "Content-Length", value: String(request.body.count))
        let head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: request.path, headers: headers)
        let promise = channel.eventLoop.makePromise(of: HTTPResponseMessage.self)
        let end = channel.eventLoop.makePromise(of: Void.self)
        let channel = self.channel
        let collector = self.collector
        let body = request.body
        let consumer = request.consumer
        channel.eventLoop.execute {
            collector.value.expect(promise, consumer: consumer)
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            if !body.isEmpty {
                channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
            }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: end)
        }
        do {
            let response = try await promise.futureResult.get()
            written = true
            return response
        } catch let error as DAVError {
            written = await settled(end, closing: channel)
            if case .responseTooLarge(_, let limit) = error { throw .responseTooLarge(href: request.path, limit: limit) }
            throw error
        } catch {
            written = await settled(end, closing: channel)
            if error is NIOSSLError || error is BoringSSLError {
                throw .tlsFailed(host: endpoint.host, underlying: String(describing: error))
            }
            throw .connectionClosed(host: endpoint.host, detail: String(describing: error))
        }
    }

    /// Whether the write behind `promise` went out, once the failed connection is
    /// closed (closing fails every write still pending, so the wait ends).
    private func settled(_ promise: EventLoopPromise<Void>, closing channel: any Channel) async -> Bool {
        channel.close(promise: nil)
        return (try? await promise.futureResult.get()) != nil
    }

    /// Closes the connection.
    func close() async {
        try? await channel.close()
    }

    private static func makeTLSContext(_ endpoint: DAVEndpoint) throws(DAVError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if endpoint.insecure { configuration.certificateVerification = .none }
        if let caFile = endpoint.caFile { configuration.trustRoots = .file(caFile) }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .tlsFailed(host: endpoint.host, underlying: String(describing: error))
        }
    }

    /// The SNI name: the host, unless it is an IP address.
    private static func sniName(_ host: String) -> String? {
        let isIPv4 = host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        return isIPv4 || host.contains(":") ? nil : host
    }
}
