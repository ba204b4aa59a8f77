import BrickSite
import Foundation

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
            if target.writesPlainBundles {
                lines.append("encrypt = false   # NOT ENCRYPTED: bundles leave in clear")
            } else {
                lines.append("encrypt-to = \(list(target.encryptTo))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func list(_ texts: [String]) -> String { "[" + texts.map(quoted).joined(separator: ", ") + "]" }
}
