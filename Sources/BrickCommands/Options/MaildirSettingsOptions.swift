import ArgumentParser
import BrickMaildir
import Foundation

/// Where a Maildir's settings files are, when not at Dovecot's usual places beside
/// the Maildir: the Sieve script directory and the attribute dictionary file. Backup
/// reads them, restore writes them; both may contain `{user}`.
struct MaildirSettingsOptions: ParsableArguments {
    @Option(name: .customLong("sieve-dir"), help: ArgumentHelp(
        "Maildir: the users' Sieve script directory (may contain {user}; default: sieve/ beside the Maildir). The active-script link .dovecot.sieve is in its parent.",
        valueName: "PATH"))
    var sieveDirectory: String?

    @Option(name: .customLong("attribute-dict"), help: ArgumentHelp(
        "Maildir: the users' annotation file, Dovecot's mail_attribute_dict = file:PATH (may contain {user}; default: dovecot-attributes beside the Maildir).",
        valueName: "PATH"))
    var attributeDictionary: String?

    /// The Sieve location of `user`, nil for Dovecot's default.
    func sieveLocation(user: String) throws -> SieveLocation? {
        try sieveDirectory.map { SieveLocation(directory: try Self.expand($0, user: user)) }
    }

    /// The attribute dictionary file of `user`, nil for Dovecot's default.
    func attributeDictionary(user: String) throws -> String? {
        try attributeDictionary.map { try Self.expand($0, user: user) }
    }

    private static func expand(_ template: String, user: String) throws -> String {
        guard template.contains("{user}") else { return template }
        do {
            return try MaildirUsers.expand(template: template, user: user).path
        } catch {
            throw UsageError("\(error)")
        }
    }
}
