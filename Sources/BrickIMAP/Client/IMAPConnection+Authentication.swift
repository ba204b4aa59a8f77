import Foundation

extension IMAPConnection {
    /// Logs in with SASL PLAIN or LOGIN (see `IMAPCredentials.Method`).
    ///
    /// With an admin user, SASL PLAIN sends `user NUL admin NUL password`: the admin
    /// authenticates and the session belongs to the user (Dovecot master users and
    /// Cyrus admins accept this). LOGIN cannot carry an authorization id; with an
    /// admin user it sends `user*admin`, Dovecot's default master-user separator.
    ///
    /// A server announcing LOGINDISABLED (RFC 3501 §6.2.3: typically on a connection
    /// without TLS) is never sent LOGIN; without SASL PLAIN on offer, nothing is sent.
    func authenticate(_ credentials: IMAPCredentials) async throws(IMAPError) {
        let usePlain: Bool
        switch credentials.method {
        case .plain: usePlain = true
        case .login: usePlain = false
        case .automatic: usePlain = capabilities.authMechanisms.contains("PLAIN")
        }
        if capabilities.contains("LOGINDISABLED") && (!usePlain || !capabilities.authMechanisms.contains("PLAIN")) {
            throw .loginDisabled(host: endpoint.host)
        }
        let command: Command
        if usePlain {
            var message = Array((credentials.adminUser == nil ? "" : credentials.user).utf8)
            message.append(0)
            message += Array(credentials.authenticationName.utf8)
            message.append(0)
            message += Array(credentials.password.utf8)
            let response = Data(message).base64EncodedString()
            command = .authenticatePlain(response: response, initialResponse: capabilities.contains("SASL-IR"))
        } else {
            let user = credentials.adminUser.map { "\(credentials.user)*\($0)" } ?? credentials.user
            command = .login(user: user, password: credentials.password)
        }
        let completion = try await send(command)
        guard completion.isOK else {
            throw .authenticationFailed(
                host: endpoint.host, user: credentials.description, serverText: completion.tagged.text.text)
        }
        if case .capability = completion.tagged.text.code {
            return
        }
        try await refreshCapabilities()
    }
}
