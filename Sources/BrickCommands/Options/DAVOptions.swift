import ArgumentParser
import BrickCore
import BrickDAV
import BrickSite
import BrickSync
import Foundation
import Logging

/// The options of the calendar and contact server (CalDAV/CardDAV) backed up beside
/// the mail. The password comes from a file or an environment variable (the DAV
/// ones, else the IMAP ones), never from the command line.
struct DAVOptions: ParsableArguments {
    @Option(name: .customLong("dav"), help: ArgumentHelp(
        "CalDAV/CardDAV server to back up calendars and address books from, beside --source or alone: http[s]://HOST[:PORT][/PATH]; {user} in PATH is the user's name.",
        valueName: "URL"))
    var url: String?

    @Option(name: .customLong("dav-user"), help: ArgumentHelp(
        "Name that logs in to the DAV server (default: the user backed up; with {user} in --dav, an admin reading each user's collections).",
        valueName: "NAME"))
    var user: String?

    @Flag(name: .customLong("dav-authorize-as"), help: ArgumentHelp(
        "--dav-user is an admin acting for each user: Basic as it, with Cyrus's Authorize-As header naming the user.",
        discussion: "Cyrus's httpd honours the header only as a Murder backend (mupdate_server set) whose admins or proxyservers list --dav-user; elsewhere it answers 401."))
    var authorizeAs = false

    @Option(name: .customLong("dav-password-file"), help: ArgumentHelp(
        "File whose first line is the DAV password (chmod 600); default: the IMAP --password-file or --password-env.", valueName: "FILE"))
    var passwordFile: String?

    @Option(name: .customLong("dav-password-env"), help: ArgumentHelp("Environment variable holding the DAV password.", valueName: "VAR"))
    var passwordEnv: String?

    /// True when `--dav` was given.
    var isGiven: Bool { url != nil }

    /// These options, with what the flags leave unset taken from a configured source.
    func filled(from source: SourceConfig) -> DAVOptions {
        var options = self
        if options.url == nil { options.url = source.dav }
        if options.user == nil { options.user = source.davUser }
        if !options.authorizeAs { options.authorizeAs = source.davAuthorizeAs ?? false }
        if options.passwordFile == nil && options.passwordEnv == nil {
            options.passwordFile = source.davPasswordFile
            options.passwordEnv = source.davPasswordEnv
        }
        return options
    }

    /// The factory of each user's DAV source; nil without `--dav`.
    func factory(imap: IMAPOptions) throws -> DAVSourceFactory? {
        guard let url else { return nil }
        if authorizeAs && user == nil { throw UsageError("--dav-authorize-as needs --dav-user, the admin that acts for each user") }
        let endpoint: DAVEndpoint
        do {
            endpoint = try DAVEndpoint(url: url, caFile: imap.caFile, insecure: imap.insecure, readTimeout: imap.timeout)
        } catch {
            throw UsageError("--dav: \(error)")
        }
        InsecureWarning.printForDAV(url: url, insecure: imap.insecure)
        let password: String?
        if let passwordFile {
            password = try PasswordFile.read(passwordFile)
        } else if let passwordEnv {
            guard let value = ProcessInfo.processInfo.environment[passwordEnv], !value.isEmpty else {
                throw UsageError("environment variable \(passwordEnv) (from --dav-password-env) is not set or empty")
            }
            password = value
        } else if imap.passwordFile != nil || imap.passwordEnv != nil {
            password = try imap.password()
        } else {
            password = nil
        }
        return DAVSourceFactory(endpoint: endpoint, loginUser: user, password: password, authorizeAs: authorizeAs)
    }
}

/// Makes each user's DAV source from `--dav` and its credentials.
struct DAVSourceFactory: Sendable {
    let endpoint: DAVEndpoint
    let loginUser: String?
    let password: String?
    /// True when `loginUser` acts for each user with `Authorize-As`.
    var authorizeAs = false

    /// The endpoint of `user` (`{user}` expanded).
    func endpoint(for user: String) -> DAVEndpoint { endpoint.forUser(user) }

    /// The DAV source of `user`, logging to `logger`.
    func makeSource(user: String, logger: Logger) -> DAVSource {
        let credentials = password.map { DAVCredentials(user: loginUser ?? user, password: $0, authorizeAs: authorizeAs ? user : nil) }
        return DAVSource(client: DAVClient(endpoint: endpoint(for: user), user: user, credentials: credentials, logger: logger))
    }

    /// `mail` (nil: none) with the user's calendars and contacts beside it.
    func combined(with mail: (any MailSource)?, user: String, logger: Logger) -> any MailSource {
        CombinedSource(mail: mail, dav: makeSource(user: user, logger: logger), davDescription: endpoint(for: user).description)
    }
}
