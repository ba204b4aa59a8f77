import ArgumentParser
import Foundation

/// Connection and login options for IMAP sources and targets. Passwords come from a
/// file, an environment variable or a prompt, never from the command line.
struct IMAPOptions: ParsableArguments {
    @Option(name: .long, help: "TLS for imap:// URLs: auto (STARTTLS when offered), starttls (required) or never. imaps:// always uses TLS.")
    var tls: TLSArgument = .auto

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("PEM file of CA certificates to trust for the server's certificate.", valueName: "FILE"))
    var caFile: String?

    @Flag(name: .long, help: "Do not verify the server's certificate (prints a warning; for tests only).")
    var insecure = false

    @Option(name: .customLong("admin-user"), help: ArgumentHelp("Log in as this admin/master user and act as each user (SASL PLAIN authorization id).", valueName: "NAME"))
    var adminUser: String?

    @Option(name: .customLong("password-file"), help: ArgumentHelp("File holding the password (of the admin user when --admin-user is given).", valueName: "FILE"))
    var passwordFile: String?

    @Option(name: .customLong("password-env"), help: ArgumentHelp("Environment variable holding the password.", valueName: "VAR"))
    var passwordEnv: String?

    @Option(name: .long, help: "Authentication: auto (SASL PLAIN when offered, else LOGIN), plain or login.")
    var auth: AuthArgument = .auto

    /// The password from --password-file, --password-env or a prompt on a terminal.
    func password() throws -> String {
        if let passwordFile {
            guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw UsageError("cannot read --password-file \(passwordFile)")
            }
            return String(text.split(whereSeparator: \.isNewline).first ?? "")
        }
        if let passwordEnv {
            guard let value = ProcessInfo.processInfo.environment[passwordEnv] else {
                throw UsageError("environment variable \(passwordEnv) (from --password-env) is not set")
            }
            return value
        }
        guard isatty(STDIN_FILENO) == 1, let typed = getpass("IMAP password: ") else {
            throw UsageError("no password: give --password-file FILE or --password-env VAR")
        }
        return String(cString: typed)
    }
}

/// `--tls auto|starttls|never`.
enum TLSArgument: String, ExpressibleByArgument, CaseIterable {
    case auto, starttls, never
}

/// `--auth auto|plain|login`.
enum AuthArgument: String, ExpressibleByArgument, CaseIterable {
    case auto, plain, login
}
