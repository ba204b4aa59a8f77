import BrickCore
import BrickIMAP
import BrickMaildir
import Foundation
import Logging

/// Makes each user's `MailSource` from the parsed `--source` and IMAP options.
struct SourceFactory: Sendable {
    private let spec: SourceSpec
    private let connection: IMAPConnectionSettings?
    private let maximumMessageSize: Int64
    private let maildirSettings: MaildirSettingsOptions?

    init(spec: SourceSpec, imap: IMAPOptions, maximumMessageSize: Int64 = 2 << 30, maildirSettings: MaildirSettingsOptions? = nil) throws {
        self.spec = spec
        self.maildirSettings = maildirSettings
        self.maximumMessageSize = maximumMessageSize
        if case .imap(let url) = spec {
            connection = try IMAPConnectionSettings(url: url, options: imap)
        } else {
            connection = nil
        }
    }

    /// Every user of the source: `{user}` expanded against the file system for a
    /// Maildir; the admin's view of the server's users over IMAP.
    func discoverUsers(logger: Logger) async throws -> [String] {
        switch spec {
        case .maildir(let template):
            guard template.contains("{user}") else {
                throw UsageError("--all-users needs {user} in the Maildir path, e.g. maildir:/var/vmail/{user}/Maildir")
            }
            return try MaildirUsers.discover(template: template).map(\.user)
        case .imap:
            return try await connection!.listUsers(logger: logger)
        }
    }

    /// Fails early, with one clear line, for users whose Maildir does not exist (only
    /// ENOENT/ENOTDIR: a Maildir that cannot be checked fails that user's backup alone).
    func checkUsers(_ users: [String]) throws {
        guard case .maildir(let template) = spec else { return }
        if !template.contains("{user}") && users.count > 1 {
            throw UsageError("the Maildir path has no {user}, so it names one user's Maildir; give one -u, or put {user} in the path")
        }
        var missing: [String] = []
        for user in users {
            let root = try Self.maildir(template: template, user: user)
            var info = stat()
            if stat(root.path, &info) == 0 ? info.st_mode & S_IFMT != S_IFDIR : (errno == ENOENT || errno == ENOTDIR) {
                missing.append("\(user) (\(root.path))")
            }
        }
        if !missing.isEmpty {
            throw UsageError("no Maildir for user \(missing.joined(separator: ", "))")
        }
    }

    /// The Maildir of `user`: the template with `{user}` expanded, or the path itself
    /// when it names one user's Maildir.
    private static func maildir(template: String, user: String) throws -> URL {
        guard template.contains("{user}") else { return URL(fileURLWithPath: template) }
        do {
            return try MaildirUsers.expand(template: template, user: user)
        } catch {
            throw UsageError("\(error)")
        }
    }

    /// The source of one user.
    func makeSource(user: String, logger: Logger) async throws -> any MailSource {
        switch spec {
        case .maildir(let template):
            var source = MaildirSource(root: try Self.maildir(template: template, user: user), maximumMessageSize: maximumMessageSize)
            source.sieveLocation = try maildirSettings?.sieveLocation(user: user)
            source.attributeDictionary = try maildirSettings?.attributeDictionary(user: user)
            return source
        case .imap:
            let settings = connection!
            return IMAPSource(
                endpoint: settings.endpoint, credentials: settings.credentials(for: user),
                options: IMAPSource.Options(sievePort: settings.sievePort), logger: logger)
        }
    }
}
