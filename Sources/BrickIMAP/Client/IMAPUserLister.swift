import BrickCore
import Logging

/// Lists the users of a server as its administrator sees them: logged in as the admin
/// itself, the other-users namespace (RFC 2342, `NAMESPACE`; Cyrus gives its admins
/// `user/`) holds one mailbox per user, found with `LIST "" "<prefix>%"`.
///
/// Servers whose admin has no such namespace (a Dovecot master user cannot log in as
/// itself) cannot be listed this way: the error says so.
public enum IMAPUserLister {
    /// The user names, sorted.
    public static func users(
        endpoint: IMAPEndpoint, adminUser: String, password: String, method: IMAPCredentials.Method = .automatic,
        logger: Logger = Logger(label: "brick.imap")
    ) async throws -> [String] {
        let connection = try await IMAPConnection.connect(to: endpoint, logger: logger)
        do {
            try await connection.authenticate(IMAPCredentials(user: adminUser, password: password, method: method))
            let users = try await list(connection)
            await connection.close()
            return users
        } catch {
            await connection.close()
            throw error
        }
    }

    private static func list(_ connection: IMAPConnection) async throws(IMAPError) -> [String] {
        let host = connection.endpoint.host
        guard await connection.capabilities.contains("NAMESPACE") else {
            throw IMAPError.capabilityMissing(host: host, capability: "NAMESPACE", neededFor: "listing users")
        }
        var prefixes: [NamespaceDescription] = []
        for case .namespace(let namespaces) in try await connection.execute(.namespace).untagged {
            prefixes += namespaces.otherUsers
        }
        guard !prefixes.isEmpty else {
            throw IMAPError.missingData(host: host, mailbox: nil, detail: "the admin sees no other users' namespace, so users cannot be listed over IMAP")
        }
        var users = Set<String>()
        for namespace in prefixes {
            let listed = try await connection.execute(.list(pattern: namespace.prefix + "%", returnOptions: nil))
            for case .list(let entry) in listed.untagged where entry.name.hasPrefix(namespace.prefix) {
                let name = String(entry.name.dropFirst(namespace.prefix.count))
                guard !name.isEmpty else { continue }
                users.insert(ModifiedUTF7.decodeLeniently(name))
            }
        }
        return users.sorted()
    }
}
