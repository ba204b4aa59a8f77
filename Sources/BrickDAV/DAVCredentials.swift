import Foundation

/// Who logs in to the DAV server: HTTP Basic credentials, sent only over the
/// connection (never in argv, URLs or logs).
public struct DAVCredentials: Sendable {
    /// The name that authenticates.
    public var user: String
    /// Its password.
    public var password: String

    /// Creates credentials.
    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    /// The `Authorization` header value.
    var basicAuthorization: String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
}

extension DAVCredentials: CustomStringConvertible {
    /// The name only; the password is never shown.
    public var description: String { user }
}
