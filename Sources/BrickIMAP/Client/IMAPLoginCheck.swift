import Logging

/// Checks that a server can be reached and, given credentials, that the login is
/// accepted: connects (TLS as the endpoint says), authenticates, logs out. Used by
/// `config check --connect`; touches no mailbox.
public enum IMAPLoginCheck {
    /// Connects to `endpoint` and, when `credentials` are given, logs in with them.
    public static func check(endpoint: IMAPEndpoint, credentials: IMAPCredentials?, logger: Logger) async throws(IMAPError) {
        let connection = try await IMAPConnection.connect(to: endpoint, logger: logger)
        do {
            if let credentials { try await connection.authenticate(credentials) }
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }
}
