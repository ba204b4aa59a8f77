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
