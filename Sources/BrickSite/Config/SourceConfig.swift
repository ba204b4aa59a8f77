/// `[sources.NAME]`: where users' mail is read from, as `--source` and the IMAP flags say it.
public struct SourceConfig: Sendable, Hashable {
    /// The name the groups refer to.
    public var name: String
    /// `url`: `maildir:PATH` (PATH with `{user}`), `imap://HOST[:PORT]` or `imaps://HOST[:PORT]`.
    public var url: String
    /// `tls`: `starttls` or `never` (imap:// only).
    public var tls: String?
    /// `ca-file`: PEM CA certificates to trust.
    public var caFile: String?
    /// `insecure`: do not verify the certificate (tests only).
    public var insecure: Bool?
    /// `admin-user`: the admin or master user that acts as each user.
    public var adminUser: String?
    /// `password-file`: file whose first line is the password (mode 0600).
    public var passwordFile: String?
    /// `password-env`: environment variable holding the password.
    public var passwordEnv: String?
    /// `auth`: `auto`, `plain` or `login`.
    public var auth: String?
    /// `timeout`: seconds to wait for the server.
    public var timeout: Double?
    /// `max-message-size`: Maildir messages above this are skipped (`2G`).
    public var maxMessageSize: Int64?
    /// `dav`: the users' CalDAV/CardDAV server, backed up beside the mail (`{user}` allowed).
    public var dav: String?
    /// `dav-user`: the name that logs in to the DAV server (default: each user).
    public var davUser: String?
    /// `dav-password-file`: file whose first line is the DAV password (mode 0600).
    public var davPasswordFile: String?
    /// `dav-password-env`: environment variable holding the DAV password.
    public var davPasswordEnv: String?
    /// `dav-authorize-as`: `dav-user` is an admin acting for each user with Cyrus's
    /// `Authorize-As` header (as `--dav-authorize-as`).
    public var davAuthorizeAs: Bool?

    /// Creates a source with a URL.
    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }

    /// True for IMAP and IMAPS sources.
    public var isIMAP: Bool { url.hasPrefix("imap://") || url.hasPrefix("imaps://") }
}
