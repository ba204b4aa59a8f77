/// Where a DAV server is and how to reach it: scheme, host, port and the path the
/// user gave (the start of discovery).
public struct DAVEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// True for `https://`.
    public var tls: Bool
    /// The server's host name or address.
    public var host: String
    /// The TCP port.
    public var port: Int
    /// The path of the URL, at least `/`.
    public var path: String
    /// A PEM file of CA certificates to trust instead of the system's.
    public var caFile: String?
    /// Skips certificate verification; an explicit, dangerous opt-in.
    public var insecure: Bool
    /// Seconds allowed for the TCP connection (and TLS handshake).
    public var connectTimeout: Double
    /// Seconds allowed without any byte from the server while a request waits.
    public var readTimeout: Double

    /// Parses `http[s]://host[:port][/path]` (IPv6 hosts in brackets). Credentials in
    /// the URL are refused: they would end up in logs and process listings.
    public init(
        url: String, caFile: String? = nil, insecure: Bool = false, connectTimeout: Double = 30, readTimeout: Double = 300
    ) throws(DAVError) {
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            tls = true
            rest = url.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            tls = false
            rest = url.dropFirst(7)
        } else {
            throw .invalidURL(url, reason: "the scheme must be http:// or https://")
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<slash]
        if authority.contains("@") { throw .invalidURL(url, reason: "credentials do not belong in the URL") }
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL(url, reason: "unclosed [") }
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) ?? -1 } else if !after.isEmpty { port = -1 }
            authority = authority[authority.index(after: authority.startIndex)..<close]
        } else if let colon = authority.lastIndex(of: ":") {
            port = Int(authority[authority.index(after: colon)...]) ?? -1
            authority = authority[..<colon]
        }
        guard !authority.isEmpty else { throw .invalidURL(url, reason: "no host") }
        if let port, !(1...65_535).contains(port) { throw .invalidURL(url, reason: "bad port") }
        host = String(authority)
        self.port = port ?? (tls ? 443 : 80)
        let rawPath = rest[slash...]
        path = rawPath.isEmpty ? "/" : String(rawPath.split(separator: "?", maxSplits: 1).first ?? "/")
        self.caFile = caFile
        self.insecure = insecure
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
    }

    /// The URL without credentials.
    public var description: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        let defaultPort = tls ? 443 : 80
        return (tls ? "https://" : "http://") + hostText + (port == defaultPort ? "" : ":\(port)") + path
    }

    /// The `Host` header value.
    var hostHeader: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        return port == (tls ? 443 : 80) ? hostText : "\(hostText):\(port)"
    }

    /// This endpoint with `{user}` in its path replaced by the percent-encoded user
    /// name (a per-user URL template).
    public func forUser(_ user: String) -> DAVEndpoint {
        var copy = self
        copy.path = path.replacingOccurrences(of: "{user}", with: DAVPath.encodeSegment(user))
        return copy
    }
}
