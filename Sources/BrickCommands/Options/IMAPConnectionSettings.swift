import BrickIMAP
import Foundation
import Logging

/// The endpoint and login built from an IMAP URL and the IMAP options, once per run:
/// the password is read once and handed to each user's connection.
struct IMAPConnectionSettings: Sendable {
    let endpoint: IMAPEndpoint
    /// The ManageSieve port, nil when scripts are left out.
    let sievePort: Int?
    private let password: String
    private let adminUser: String?
    private let method: IMAPCredentials.Method

    init(url: String, options: IMAPOptions) throws {
        let mode: IMAPEndpoint.TLSMode = switch options.tls {
        case .starttls: .startTLS
        case .never: .never
        }
        do {
            var configured = try IMAPEndpoint(url: url, tls: url.lowercased().hasPrefix("imaps://") ? nil : mode, caFile: options.caFile, insecure: options.insecure)
            configured.readTimeout = options.timeout
            configured.connectTimeout = min(configured.connectTimeout, options.timeout)
            endpoint = configured
        } catch {
            throw UsageError("\(error)")
        }
        if options.insecure {
            InsecureWarning.print(server: "the server", exposing: "the mail")
        }
        sievePort = options.sievePort == 0 ? nil : options.sievePort
        password = try options.password()
        adminUser = options.adminUser
        method = switch options.auth {
        case .auto: .automatic
        case .plain: .plain
        case .login: .login
        }
    }

    /// Every user the admin sees (`--all-users` over IMAP).
    func listUsers(logger: Logger) async throws -> [String] {
        guard let adminUser else {
            throw UsageError("--all-users over IMAP needs --admin-user: only an administrator can list the users")
        }
        do {
            return try await IMAPUserLister.users(endpoint: endpoint, adminUser: adminUser, password: password, method: method, logger: logger)
        } catch let error as IMAPError where !error.isConnectionLevel {
            throw UsageError("cannot list the users over IMAP (\(error)); give -u or --users-file (for Dovecot, from `doveadm user '*'`)")
        }
    }

    /// The login for `user`: as the user, or as the admin acting for the user.
    func credentials(for user: String) -> IMAPCredentials {
        IMAPCredentials(user: user, password: password, adminUser: adminUser, method: method)
    }
}
