import ArgumentParser
import BrickSite
import Foundation

/// Connection and login options for IMAP sources and targets. Passwords come from a
/// file, an environment variable or a prompt, never from the command line.
struct IMAPOptions: ParsableArguments {
    @Option(name: .customLong("tls"), help: "TLS for imap:// URLs: starttls (required: no fallback to plain text) or never (the password goes in clear). imaps:// always uses TLS.")
    var tlsFlag: TLSArgument?

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("PEM file of CA certificates to trust for the server's certificate.", valueName: "FILE"))
    var caFile: String?

    @Flag(name: .long, help: "Do not verify the server's certificate (prints a warning; for tests only).")
    var insecure = false

    @Option(name: .customLong("admin-user"), help: ArgumentHelp("Log in as this admin/master user and act as each user (SASL PLAIN authorization id).", valueName: "NAME"))
    var adminUser: String?

    @Option(name: .customLong("password-file"), help: ArgumentHelp("File whose first line is the password (of the admin user when --admin-user is given); it must not be accessible by group or others (chmod 600).", valueName: "FILE"))
    var passwordFile: String?

    @Option(name: .customLong("password-env"), help: ArgumentHelp("Environment variable holding the password.", valueName: "VAR"))
    var passwordEnv: String?

    @Option(name: .customLong("auth"), help: "Authentication: auto (SASL PLAIN when offered, else LOGIN), plain or login. LOGIN is never sent to a server that announces LOGINDISABLED.")
    var authFlag: AuthArgument?

    @Option(name: .customLong("timeout"), help: ArgumentHelp("Seconds to wait for a byte from the server before the connection counts as dead (it is then made anew, up to 3 times).", valueName: "SECONDS"))
    var timeoutFlag: Double?

    /// The TLS mode in force (starttls unless set).
    var tls: TLSArgument { tlsFlag ?? .starttls }
    /// The authentication in force (auto unless set).
    var auth: AuthArgument { authFlag ?? .auto }
    /// The timeout in force (300 s unless set).
    var timeout: Double { timeoutFlag ?? 300 }

    @Option(name: .customLong("sieve-port"), help: ArgumentHelp(
        "ManageSieve port on the IMAP host, for Sieve scripts (same TLS rules and login; a host without ManageSieve is skipped). 0: leave scripts out.",
        valueName: "PORT"))
    var sievePort = 4190

    func validate() throws {
        guard (0...65_535).contains(sievePort) else { throw ValidationError("--sieve-port must be a port number, or 0") }
        if let timeout = timeoutFlag { guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") } }
    }

    /// These options with what the command line left unset taken from a configured
    /// source (a flag wins over the file).
    func filled(from source: SourceConfig) -> IMAPOptions {
        var options = self
        if options.tlsFlag == nil { options.tlsFlag = source.tls.flatMap(TLSArgument.init(rawValue:)) }
        if options.caFile == nil { options.caFile = source.caFile }
        if !options.insecure { options.insecure = source.insecure ?? false }
        if options.adminUser == nil { options.adminUser = source.adminUser }
        if options.passwordFile == nil && options.passwordEnv == nil {
            options.passwordFile = source.passwordFile
            options.passwordEnv = source.passwordEnv
        }
        if options.authFlag == nil { options.authFlag = source.auth.flatMap(AuthArgument.init(rawValue:)) }
        if options.timeoutFlag == nil { options.timeoutFlag = source.timeout }
        return options
    }

    /// The password from --password-file, --password-env or a prompt on a terminal.
    func password() throws -> String {
        if let passwordFile { return try PasswordFile.read(passwordFile) }
        if let passwordEnv {
            guard let value = ProcessInfo.processInfo.environment[passwordEnv] else {
                throw UsageError("environment variable \(passwordEnv) (from --password-env) is not set")
            }
            guard !value.isEmpty else {
                throw UsageError("environment variable \(passwordEnv) (from --password-env) is empty; no login was tried")
            }
            return value
        }
        guard isatty(STDIN_FILENO) == 1, let typed = getpass("IMAP password: ") else {
            throw UsageError("no password: give --password-file FILE or --password-env VAR")
        }
        let password = String(cString: typed)
        guard !password.isEmpty else { throw UsageError("empty password; no login was tried") }
        return password
    }
}

/// `--tls starttls|never`.
enum TLSArgument: String, ExpressibleByArgument, CaseIterable {
    case starttls, never
}

/// `--auth auto|plain|login`.
enum AuthArgument: String, ExpressibleByArgument, CaseIterable {
    case auto, plain, login
}
