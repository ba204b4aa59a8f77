import Foundation

/// Who logs in to the DAV server: HTTP Basic credentials, sent only over the
/// connection (never in argv, URLs or logs).
public struct DAVCredentials: Sendable {
    /// The name that authenticates.
    public var user: String
    /// Its password.
    public var password: String
    /// The user an admin login acts for, sent as Cyrus's `Authorize-As` header with every
    /// request; nil: the login acts for itself. Cyrus httpd honours the header only
    /// when it runs as a Murder backend (`mupdate_server` set) and the login is an
    /// admin or listed in `proxyservers`; elsewhere it answers 401.
    public var authorizeAs: String?

    /// Creates credentials.
    public init(user: String, password: String, authorizeAs: String? = nil) {
        self.user = user
        self.password = password
        self.authorizeAs = authorizeAs
    }

    /// The `Authorization` header value.
    var basicAuthorization: String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
}

extension DAVCredentials: CustomStringConvertible {
    /// The name only (and whom it acts for); the password is never shown.
    public var description: String { authorizeAs.map { "\(user) for \($0)" } ?? user }
}
