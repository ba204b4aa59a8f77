/// Where an IMAP server is and how to reach it safely.
public struct IMAPEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// How TLS is used.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// TLS from the first byte (`imaps://`, port 993).
        case implicit
        /// STARTTLS, and fail when the server does not offer it (`imap://` default).
        /// There is no fallback to plain text: a server that does not offer STARTTLS,
        /// or an attacker who strips it from the capabilities, ends the connection
        /// before any credential is sent.
        case startTLS = "starttls"
        /// Never TLS, even when offered: an explicit choice (`--tls never`).
        case never
    }

    /// The server's host name or address.
    public var host: String
    /// The TCP port.
    public var port: Int
    /// How TLS is used.
    public var tls: TLSMode
    /// A PEM file of CA certificates to trust instead of the system's.
    public var caFile: String?
    /// Skips certificate verification; an explicit, dangerous opt-in.
    public var insecure: Bool
    /// Seconds allowed for the TCP connection (and TLS handshake).
    public var connectTimeout: Double
    /// Seconds allowed without any byte from the server while a command waits.
    public var readTimeout: Double

    /// Creates an endpoint.
    public init(
        host: String, port: Int? = nil, tls: TLSMode = .startTLS, caFile: String? = nil,
        insecure: Bool = false, connectTimeout: Double = 30, readTimeout: Double = 300
    ) {
        self.host = host
        self.port = port ?? (tls == .implicit ? 993 : 143)
        self.tls = tls
        self.caFile = caFile
        self.insecure = insecure
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
    }

    /// Parses `imap://host[:port]` or `imaps://host[:port]` (IPv6 hosts in brackets).
    /// `tls` overrides the scheme's default mode for `imap://`.
    public init(url: String, tls: TLSMode? = nil, caFile: String? = nil, insecure: Bool = false) throws(IMAPError) {
        let lower = url.lowercased()
        let rest: Substring
        let implicit: Bool
        if lower.hasPrefix("imaps://") {
            implicit = true
            rest = url.dropFirst(8)
        } else if lower.hasPrefix("imap://") {
            implicit = false
            rest = url.dropFirst(7)
        } else {
            throw .invalidURL(url, reason: "the scheme must be imap:// or imaps://")
        }
        if let at = rest.firstIndex(of: "@"), !rest[..<at].contains("/") {
            throw .invalidURL(url, reason: "credentials do not belong in the URL")
        }
        let authority = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        var host = Substring(authority)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw .invalidURL(url, reason: "unclosed [") }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) ?? -1 } else if !after.isEmpty { port = -1 }
        } else if let colon = host.lastIndex(of: ":") {
            port = Int(host[host.index(after: colon)...]) ?? -1
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw .invalidURL(url, reason: "no host") }
        if let port, !(1...65_535).contains(port) { throw .invalidURL(url, reason: "bad port") }
        let mode: TLSMode
        if implicit {
            guard tls == nil || tls == .implicit else {
                throw .invalidURL(url, reason: "imaps:// always uses implicit TLS")
            }
            mode = .implicit
        } else {
            mode = tls ?? .startTLS
        }
        self.init(host: String(host), port: port, tls: mode, caFile: caFile, insecure: insecure)
    }

    /// The URL form, e.g. `imaps://mail.example.com:993`.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(tls == .implicit ? "imaps" : "imap")://\(shownHost):\(port)"
    }
}
