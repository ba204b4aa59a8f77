import Logging

/// A DAV server as the backup and restore see it: HTTP requests with Basic auth on a
/// kept-alive connection, reopened when the server closed it. One request at a time.
public actor DAVClient {
    /// The server and the path discovery starts from.
    public let endpoint: DAVEndpoint
    /// The user whose data this client reads or writes (for error context).
    public let user: String
    private let credentials: DAVCredentials?
    private let bodyLimit: Int
    private let logger: Logger
    private var connection: HTTPConnection?
    private var aborted = false
    /// Requests sent, by method (for tests and the no-change check).
    public private(set) var requestCounts: [String: Int] = [:]

    /// Creates a client; nothing connects until the first request. `bodyLimit` bounds
    /// a response body (default 256 MiB: a contact with a large photo fits). Each new
    /// connection logs a warning to `logger` when certificate checking is off.
    public init(
        endpoint: DAVEndpoint, user: String, credentials: DAVCredentials?, bodyLimit: Int = 256 << 20,
        logger: Logger = Logger(label: "brick.dav")
    ) {
        self.endpoint = endpoint
        self.logger = logger
        self.user = user
        self.credentials = credentials
        self.bodyLimit = bodyLimit
    }

    /// Sends `request`. When the connection fails it, the request goes again on a new
    /// connection: at once when the failed one was kept alive from an earlier request
    /// (the server closed it meanwhile), after a pause of 0.25, 0.5, 1 and 2 s when it
    /// was new and none of the request went out (a busy server resets new
    /// connections), five attempts in all. A request that changes something (PUT,
    /// MKCALENDAR, MKCOL, DELETE) goes again only when none of it went out: a PUT the
    /// server carried out before the connection broke, sent again with
    /// `If-None-Match: *`, would be answered 412 and counted as already there. Such a
    /// request fails with `connectionClosed` instead, and running the restore again
    /// settles it. A 401 becomes `authenticationFailed`.
    public func send(_ request: HTTPRequestMessage) async throws(DAVError) -> HTTPResponseMessage {
        if aborted { throw .connectionClosed(host: endpoint.host, detail: "aborted") }
        requestCounts[request.method, default: 0] += 1
        var attempt = 1
        while true {
            let reused = connection?.isActive == true
            var written = false
            do {
                return try await checked(sendOnce(request, written: &written), request)
            } catch {
                guard error.isConnectionLevel, !aborted, attempt < 5 else { throw error }
                guard !written || Self.replayableMethods.contains(request.method) else {
                    throw .connectionClosed(
                        host: endpoint.host, detail: "\(request.method) \(request.path) was sent but not answered; it may have been carried out")
                }
                guard reused || !written else { throw error }
                if !reused { try? await Task.sleep(nanoseconds: 125_000_000 << UInt64(attempt)) }
                attempt += 1
            }
        }
    }

    /// Methods that change nothing on the server, so sending them twice is harmless.
    static let replayableMethods: Set<String> = ["GET", "HEAD", "OPTIONS", "PROPFIND", "REPORT"]

    /// Sends `request` and fails unless the status is 2xx (or one of `accepting`).
    public func expectSuccess(_ request: HTTPRequestMessage, accepting: Set<Int> = []) async throws(DAVError) -> HTTPResponseMessage {
        let response = try await send(request)
        guard response.isSuccess || accepting.contains(response.status) else {
            throw .httpStatus(method: request.method, href: request.path, status: response.status, user: user)
        }
        return response
    }

    /// Closes the connection; the next request opens a new one.
    public func close() async {
        await dropConnection()
    }

    /// Closes the connection and fails every later request (a deadline passed).
    public func abort() async {
        aborted = true
        await dropConnection()
    }

    private func sendOnce(_ request: HTTPRequestMessage, written: inout Bool) async throws(DAVError) -> HTTPResponseMessage {
        let connection = try await openConnection()
        var request = request
        if let actingFor = credentials?.authorizeAs { request.headers.append(("Authorize-As", actingFor)) }
        do {
            let response = try await connection.send(request, authorization: credentials?.basicAuthorization, written: &written)
            if !response.keepAlive { await dropConnection() }
            return response
        } catch {
            await dropConnection()
            throw error
        }
    }

    private func checked(_ response: HTTPResponseMessage, _ request: HTTPRequestMessage) throws(DAVError) -> HTTPResponseMessage {
        if response.status == 401 { throw .authenticationFailed(host: endpoint.host, user: credentials.map { "\($0)" } ?? user) }
        return response
    }

    /// The open connection, or a new one. A new connection the server closes before
    /// it could carry a request (a busy server whose accept queue overflowed resets
    /// it) is opened again, up to four more times, waiting 0.25, 0.5, 1 and 2 s:
    /// nothing was sent on it, so trying again cannot do anything twice.
    private func openConnection() async throws(DAVError) -> HTTPConnection {
        if let connection, connection.isActive { return connection }
        var attempt = 1
        while true {
            do {
                let fresh = try await HTTPConnection.connect(to: endpoint, bodyLimit: bodyLimit, logger: logger)
                connection = fresh
                return fresh
            } catch {
                guard case .connectionClosed = error, attempt < 5, !aborted else { throw error }
                try? await Task.sleep(nanoseconds: 125_000_000 << UInt64(attempt))
                attempt += 1
            }
        }
    }

    private func dropConnection() async {
        let old = connection
        connection = nil
        await old?.close()
    }
}
