import BrickCore

/// Everything that can go wrong talking to a CalDAV/CardDAV server, with the context
/// needed to act on it (user, collection, href, HTTP status). Passwords never appear.
public enum DAVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server URL could not be understood.
    case invalidURL(String, reason: String)
    /// The TCP connection could not be made.
    case connectionFailed(host: String, port: Int, underlying: String)
    /// TLS could not be set up or the certificate was refused.
    case tlsFailed(host: String, underlying: String)
    /// The server closed the connection before answering in full.
    case connectionClosed(host: String, detail: String)
    /// No byte from the server within the configured time.
    case timedOut(host: String)
    /// A response body was larger than the client accepts.
    case responseTooLarge(href: String, limit: Int)
    /// The server refused the credentials (401).
    case authenticationFailed(host: String, user: String)
    /// A request ended with an unexpected HTTP status.
    case httpStatus(method: String, href: String, status: Int, user: String?)
    /// The server answered with something that is not the expected XML (not XML at
    /// all, cut off, or without the elements the request asks for).
    case malformedResponse(href: String, reason: String)
    /// Discovery found no calendar or address book home for the user.
    case discoveryFailed(user: String, reason: String)
    /// The credentials could not be read (password file, environment variable).
    case credentials(reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason): "invalid DAV URL \(URLUserInfo.redacted(url)): \(reason)"
        case .connectionFailed(let host, let port, let underlying): "cannot connect to \(host):\(port): \(underlying)"
        case .tlsFailed(let host, let underlying): "TLS with \(host) failed: \(underlying)"
        case .connectionClosed(let host, let detail): "\(host) closed the connection: \(detail)"
        case .timedOut(let host): "\(host) did not answer in time"
        case .responseTooLarge(let href, let limit): "the answer for \(href) is larger than \(limit) bytes"
        case .authenticationFailed(let host, let user): "\(host) refused the credentials of \(user)"
        case .httpStatus(let method, let href, let status, let user):
            "\(method) \(href) failed with HTTP \(status)" + (user.map { " (user \($0))" } ?? "")
        case .malformedResponse(let href, let reason): "unreadable answer for \(href): \(reason)"
        case .discoveryFailed(let user, let reason): "no calendars or address books found for \(user): \(reason)"
        case .credentials(let reason): "DAV credentials: \(reason)"
        }
    }

    /// True for failures of the connection itself, after which a new connection may
    /// well succeed.
    public var isConnectionLevel: Bool {
        switch self {
        case .connectionClosed, .timedOut: true
        default: false
        }
    }
}
