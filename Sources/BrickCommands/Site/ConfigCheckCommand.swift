import ArgumentParser
import BrickIMAP
import BrickMaildir
import BrickSite
import Foundation

/// `brick-backup config check`: parses and validates the configuration, prints the
/// settings in force with secrets masked; exit 2 with one line per problem.
struct ConfigCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration file and print the settings in force (secrets masked).",
        discussion: """
            Checks the syntax, every value, that the files and directories it names exist with \
            safe modes, and that regular expressions compile; with --connect, also that each \
            source is reachable (Maildir users found; IMAP server reached and the login accepted). \
            Each problem is one line on standard error: FILE:LINE: KEY: message; exit code 2.

            Example:
              brick-backup config check --config /etc/brick/brick.toml --connect
            """)

    @OptionGroup var config: ConfigOptions

    @Flag(name: .long, help: "Also reach each source: list Maildir users, connect and log in to IMAP servers.")
    var connect = false

    func run() async throws {
        let site = try config.load()
        guard let file = site.file else {
            Terminal.printError("brick-backup: no configuration file at \(config.location.path); the flags alone say what to do")
            throw CommandFailure(exit: .usage)
        }
        var problems = site.fileSystemProblems()
        var notes: [String: String] = [:]
        if connect {
            for source in site.sources {
                do {
                    notes["sources." + source.name] = try await reach(source, site: site)
                } catch {
                    problems.append(site.problem("sources.\(source.name).url", "not reachable: \(error)"))
                }
            }
        }
        Terminal.write(EffectiveSettings.text(site, file: file, notes: notes))
        for problem in problems.sorted(by: { ($0.line, $0.key) < ($1.line, $1.key) }) { Terminal.printError("brick-backup: \(problem)") }
        if !problems.isEmpty { throw CommandFailure(exit: .usage) }
    }

    /// Reaches a source; returns what was found, for the listing.
    private func reach(_ source: SourceConfig, site: SiteConfig) async throws -> String {
        let spec = try SourceSpec(parsing: source.url)
        switch spec {
        case .maildir(let template):
            guard template.contains("{user}") else {
                return FileManager.default.fileExists(atPath: template) ? "Maildir found" : "no Maildir at \(template)"
            }
            return "\(try MaildirUsers.discover(template: template).count) users found"
        case .imap(let url):
            let settings = try IMAPConnectionSettings(url: url, options: try IMAPOptions.parse([]).filled(from: source))
            let user = site.groups.lazy.filter { $0.source == source.name }.compactMap { group -> String? in
                guard case .list(let names) = group.users else { return nil }
                return names.first
            }.first ?? source.adminUser
            try await IMAPLoginCheck.check(
                endpoint: settings.endpoint, credentials: user.map(settings.credentials(for:)), logger: CommandLogging.logger(level: .error))
            return user.map { "reached, logged in for \($0)" } ?? "reached (no user to log in as)"
        }
    }
}

/// The settings in force, as TOML, with each password masked.
enum EffectiveSettings {
    static func text(_ site: SiteConfig, file: String, notes: [String: String]) -> String {
        let environment = ProcessInfo.processInfo.environment
        var lines = ["# \(file): the settings in force (a flag on the command line wins over them)"]
        let store = environment["BRICK_STORE"].map { "\(quoted($0))   # from $BRICK_STORE" } ?? site.store.map(quoted) ?? "\"backups\"   # default"
        lines.append("store = \(store)")
        lines.append("umask = \"\(FileMode.text(site.umask ?? 0o077))\"")
        lines.append(site.olderThan.map { "older-than = \($0)" } ?? "# older-than is not set: purge needs --older-than or the group's")
        lines.append(site.metricsFile.map { "metrics-file = \(quoted($0))" } ?? "# metrics-file is not set: no metrics")
        lines.append("metrics-per-user = \(site.metricsPerUser ?? false)")
        lines.append("log-format = \"\((site.logFormat ?? .text).rawValue)\"")
        lines.append("log-level = \"\(site.logLevel ?? "notice")\"")
        for source in site.sources {
            lines += ["", "[sources.\(source.name)]", "url = \(quoted(source.url))"]
            if let note = notes["sources." + source.name] { lines[lines.count - 1] += "   # \(note)" }
            if source.isIMAP {
                lines.append("tls = \"\(source.url.hasPrefix("imaps://") ? "implicit" : source.tls ?? "starttls")\"")
                if let caFile = source.caFile { lines.append("ca-file = \(quoted(caFile))") }
                if source.insecure == true { lines.append("insecure = true   # the certificate is not verified") }
                if let admin = source.adminUser { lines.append("admin-user = \(quoted(admin))") }
                if let file = source.passwordFile { lines.append("password-file = \(quoted(file))   # password: ********") }
                if let variable = source.passwordEnv {
                    lines.append("password-env = \(quoted(variable))   # password: " + (environment[variable] != nil ? "******** (set here)" : "not set here"))
                }
                lines.append("auth = \"\(source.auth ?? "auto")\"")
                lines.append("timeout = \(Int(source.timeout ?? 300))")
            } else {
                lines.append("max-message-size = \"\(source.maxMessageSize.map(String.init) ?? "2G")\"")
            }
        }
        for group in site.groups {
            lines += ["", "[groups.\(group.name)]", "source = \(quoted(group.source))", group.users.description]
            if !group.folders.isEmpty { lines.append("folders = \(list(group.folders))\nrecursive = \(group.recursive ?? false)") }
            if !group.exclude.isEmpty { lines.append("exclude = \(list(group.exclude))") }
            lines.append("skip-junk = \(group.skipJunk ?? false)")
            lines.append("skip-trash = \(group.skipTrash ?? false)")
            lines.append("workers = \(group.workers ?? 2)")
            lines.append("user-timeout = \(Int(group.userTimeout ?? 3600))")
            lines.append((group.olderThan ?? site.olderThan).map { "older-than = \($0)" } ?? "# older-than is not set")
        }
        for target in site.targets {
            lines += ["", "[targets.\(target.name)]   # used by export", "to = \(quoted(target.to))"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func list(_ texts: [String]) -> String { "[" + texts.map(quoted).joined(separator: ", ") + "]" }
}
