/// Who logs in, and as whom.
public struct IMAPCredentials: Sendable {
    /// How to authenticate.
    public enum Method: String, Sendable, CaseIterable {
        /// SASL PLAIN when offered, else LOGIN.
        case automatic
        /// The LOGIN command.
        case login
        /// SASL PLAIN (RFC 4616).
        case plain
    }

    /// The mailbox owner to act as.
    public var user: String
    /// The password of `adminUser` when set, else of `user`.
    public var password: String
    /// An administrator (Dovecot master user, Cyrus admin) who authenticates and then
    /// acts as `user` through SASL PLAIN's authorization id.
    public var adminUser: String?
    /// The authentication method.
    public var method: Method

    /// Creates credentials.
    public init(user: String, password: String, adminUser: String? = nil, method: Method = .automatic) {
        self.user = user
        self.password = password
        self.adminUser = adminUser
        self.method = method
    }

    /// The name that authenticates: the admin when set, else the user.
    public var authenticationName: String { adminUser ?? user }
}

extension IMAPCredentials: CustomStringConvertible {
    /// Names only; the password is never shown.
    public var description: String {
        adminUser.map { "\(user) (as admin \($0))" } ?? user
    }
}
