import BrickCore

/// Everything that can go wrong talking to an IMAP server, with enough context to
/// act on it. Passwords never appear here.
public enum IMAPError: Error, Sendable, CustomStringConvertible {
    /// The endpoint URL could not be understood.
    case invalidURL(String, reason: String)
    /// The TCP connection could not be made.
    case connectionFailed(host: String, port: Int, underlying: String)
    /// TLS could not be set up or the certificate was refused.
    case tlsFailed(host: String, underlying: String)
    /// STARTTLS was required but the server does not offer it.
    case startTLSUnavailable(host: String)
    /// The server announces LOGINDISABLED (RFC 3501 §6.2.3) and offers no SASL PLAIN
    /// to use instead, or `--auth login` was asked for: no credential is sent.
    case loginDisabled(host: String)
    /// No reply within the configured time.
    case timedOut(host: String, waitingFor: String)
    /// The server closed the connection (after `BYE`, or without a word).
    case connectionClosed(host: String, serverText: String?)
    /// The server sent something the parser could not read.
    case protocolError(host: String, detail: String)
    /// Login or SASL authentication was refused.
    case authenticationFailed(host: String, user: String, serverText: String)
    /// A command completed with NO or BAD.
    case commandFailed(host: String, mailbox: String?, command: String, status: String, serverText: String)
    /// A folder path cannot be written as a mailbox name on this server.
    case invalidMailboxName(path: String, reason: String)
    /// The server's answer lacked something Brick needs (e.g. UIDVALIDITY).
    case missingData(host: String, mailbox: String?, detail: String)
    /// The server lacks an extension an operation needs.
    case capabilityMissing(host: String, capability: String, neededFor: String)
    /// A mailbox's UIDVALIDITY changed since its messages were listed, so the listed
    /// UIDs may name other messages now.
    case uidValidityChanged(host: String, mailbox: String, listed: UInt32, current: UInt32)
    /// A message to remove was not listed by this target.
    case unknownCopy(mailbox: String, locator: String)

    /// True for failures of the connection itself, after which a new connection
    /// may well succeed.
    public var isConnectionLevel: Bool {
        switch self {
        case .connectionFailed, .timedOut, .connectionClosed, .protocolError: return true
        default: return false
        }
    }

    /// A one-line account of the failure, with its context.
    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            return "invalid IMAP URL \"\(URLUserInfo.redacted(url))\": \(reason)"
        case .connectionFailed(let host, let port, let underlying):
            return "cannot connect to \(host):\(port): \(underlying)"
        case .tlsFailed(let host, let underlying):
            return "TLS with \(host) failed: \(underlying)"
        case .startTLSUnavailable(let host):
            return "\(host) does not offer STARTTLS, which imap:// requires (use imaps://, or --tls never to send the password in clear)"
        case .loginDisabled(let host):
            return "\(host) announces LOGINDISABLED and offers no other login this client may use; no credential was sent"
        case .timedOut(let host, let waitingFor):
            return "\(host) did not answer in time (waiting for \(waitingFor))"
        case .connectionClosed(let host, let text):
            return "\(host) closed the connection" + (text.map { ": \($0)" } ?? "")
        case .protocolError(let host, let detail):
            return "unreadable response from \(host): \(detail)"
        case .authenticationFailed(let host, let user, let text):
            return "\(host) refused login for \(user): \(text)"
        case .commandFailed(let host, let mailbox, let command, let status, let text):
            return "\(host): \(command)\(mailbox.map { " \"\($0)\"" } ?? "") failed (\(status)): \(text)"
        case .invalidMailboxName(let path, let reason):
            return "folder \"\(path)\" has no IMAP name: \(reason)"
        case .missingData(let host, let mailbox, let detail):
            return "\(host)\(mailbox.map { " \"\($0)\"" } ?? ""): \(detail)"
        case .capabilityMissing(let host, let capability, let neededFor):
            return "\(host) does not offer \(capability), which \(neededFor) needs"
        case .uidValidityChanged(let host, let mailbox, let listed, let current):
            return "\(host) \"\(mailbox)\": UIDVALIDITY changed from \(listed) to \(current) since the messages were listed; nothing removed"
        case .unknownCopy(let mailbox, let locator):
            return "\"\(mailbox)\": \"\(locator)\" is not a message this IMAP target listed"
        }
    }
}
