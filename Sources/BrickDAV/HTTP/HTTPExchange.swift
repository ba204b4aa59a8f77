/// One HTTP request as the DAV client sends it.
public struct HTTPRequestMessage: Sendable {
    /// The method: GET, PUT, PROPFIND, REPORT, MKCALENDAR, MKCOL, DELETE.
    public var method: String
    /// The request target: an absolute path, already percent-encoded.
    public var path: String
    /// Header fields besides Host, Authorization and Content-Length.
    public var headers: [(String, String)]
    /// The body, empty for none.
    public var body: [UInt8]
    /// Takes the body of a 207 answer as it arrives (the response's own body then
    /// stays empty; the client's body limit still applies); nil: held whole.
    public var consumer: (any HTTPBodyConsumer)?

    /// Creates a request.
    public init(
        method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = [],
        consumer: (any HTTPBodyConsumer)? = nil
    ) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.consumer = consumer
    }
}

/// One HTTP response, its body read in full (bounded by the client's limit).
public struct HTTPResponseMessage: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields as the server sent them.
    public var headers: [(String, String)]
    /// The body, de-chunked.
    public var body: [UInt8]
    /// False when the server closes the connection after this response (HTTP/1.0
    /// without keep-alive, `Connection: close`).
    public var keepAlive: Bool

    /// Creates a response.
    public init(status: Int, headers: [(String, String)], body: [UInt8], keepAlive: Bool = true) {
        self.keepAlive = keepAlive
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0.lowercased() == lower }?.1
    }

    /// True for a 2xx status.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
