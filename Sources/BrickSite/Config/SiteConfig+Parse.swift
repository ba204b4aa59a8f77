import TOMLKit

extension SiteConfig {
    /// Parses the text of a configuration file. Every problem is collected, each naming
    /// the file, the line and the key; the result is returned only when there is none.
    public static func parse(text: String, file: String) throws(ConfigError) -> SiteConfig {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw .invalid([ConfigProblem(file: file, line: error.source.begin.line, key: "", message: "not valid TOML: \(error.description)")])
        } catch {
            throw .invalid([ConfigProblem(file: file, line: 0, key: "", message: "not valid TOML: \(error)")])
        }
        var config = SiteConfig()
        config.file = file
        config.locator = KeyLocator(text: text)
        var found: [(String, String)] = []
        SecretKeys.find(in: root, path: "", into: &found)
        var reader = TableReader(table: root, path: "")
        config.readTopLevel(&reader, &found)
        for (name, table) in reader.tables("sources", &found) {
            var inner = TableReader(table: table, path: "sources." + name)
            if let source = SourceConfig.read(name: name, &inner, &found) { config.sources.append(source) }
            found += inner.unknownKeys().filter { !SecretKeys.isSecret($0) }.map { (inner.keyPath($0), "unknown key") }
        }
        for (name, table) in reader.tables("groups", &found) {
            var inner = TableReader(table: table, path: "groups." + name)
            if let group = GroupConfig.read(name: name, &inner, &found) { config.groups.append(group) }
            found += inner.unknownKeys().filter { !SecretKeys.isSecret($0) }.map { (inner.keyPath($0), "unknown key") }
        }
        for (name, table) in reader.tables("targets", &found) {
            var inner = TableReader(table: table, path: "targets." + name)
            if let to = inner.string("to", &found) {
                config.targets.append(TargetConfig(name: name, to: to))
            } else if inner.value("to") == nil {
                found.append((inner.keyPath("to"), "missing: the directory export writes bundles to"))
            }
            found += inner.unknownKeys().filter { !SecretKeys.isSecret($0) }.map { (inner.keyPath($0), "unknown key") }
        }
        found += reader.unknownKeys().filter { !SecretKeys.isSecret($0) }.map { ($0, "unknown key") }
        for group in config.groups where config.source(named: group.source) == nil {
            found.append(("groups.\(group.name).source", "no [sources.\(group.source)] in this file"))
        }
        config.sources.sort { config.locator.line(of: "sources." + $0.name) < config.locator.line(of: "sources." + $1.name) }
        config.groups.sort { config.locator.line(of: "groups." + $0.name) < config.locator.line(of: "groups." + $1.name) }
        config.targets.sort { config.locator.line(of: "targets." + $0.name) < config.locator.line(of: "targets." + $1.name) }
        let problems = found.map { config.problem($0.0, $0.1) }.sorted { ($0.line, $0.key) < ($1.line, $1.key) }
        guard problems.isEmpty else { throw .invalid(problems) }
        return config
    }

    private mutating func readTopLevel(_ reader: inout TableReader, _ found: inout [(String, String)]) {
        store = reader.string("store", &found)
        if let value = reader.value("umask") {
            if let number = value.int, (0...0o777).contains(number) {
                umask = UInt32(number)
            } else if let text = value.string, let number = UInt32(text, radix: 8), number <= 0o777 {
                umask = number
            } else {
                found.append(("umask", "must be an octal mode such as \"0077\" or 0o077"))
            }
        }
        olderThan = reader.int("older-than", &found)
        if let days = olderThan, days < 0 { found.append(("older-than", "must be 0 or more days (is \(days))")) }
        metricsFile = reader.string("metrics-file", &found)
        metricsPerUser = reader.bool("metrics-per-user", &found)
        logFormat = reader.choice("log-format", LogFormat.allCases.map(\.rawValue), &found).flatMap(LogFormat.init(rawValue:))
        logLevel = reader.choice("log-level", ["trace", "debug", "info", "notice", "warning", "error", "critical"], &found)
    }
}

extension SourceConfig {
    static func read(name: String, _ reader: inout TableReader, _ found: inout [(String, String)]) -> SourceConfig? {
        guard let url = reader.string("url", &found) else {
            if reader.value("url") == nil { found.append((reader.keyPath("url"), "missing: maildir:PATH, imap://HOST or imaps://HOST")) }
            return nil
        }
        var source = SourceConfig(name: name, url: url)
        if url.hasPrefix("maildir:") {
            if url.count == "maildir:".count { found.append((reader.keyPath("url"), "maildir: needs a path, e.g. maildir:/var/vmail/{user}/Maildir")) }
        } else if !source.isIMAP {
            found.append((reader.keyPath("url"), "must start with maildir:, imap:// or imaps:// (is \"\(url)\")"))
        }
        source.tls = reader.choice("tls", ["starttls", "never"], &found)
        source.caFile = reader.string("ca-file", &found)
        source.insecure = reader.bool("insecure", &found)
        source.adminUser = reader.string("admin-user", &found)
        source.passwordFile = reader.string("password-file", &found)
        source.passwordEnv = reader.string("password-env", &found)
        source.auth = reader.choice("auth", ["auto", "plain", "login"], &found)
        source.timeout = reader.number("timeout", &found)
        if let timeout = source.timeout, !(timeout > 0) { found.append((reader.keyPath("timeout"), "must be a positive number of seconds")) }
        if let size = reader.string("max-message-size", &found) {
            source.maxMessageSize = SizeText.bytes(size)
            if source.maxMessageSize == nil { found.append((reader.keyPath("max-message-size"), "must be a size such as 2G or 512M (is \"\(size)\")")) }
        }
        if source.passwordFile != nil && source.passwordEnv != nil {
            found.append((reader.keyPath("password-env"), "give password-file or password-env, not both"))
        }
        if !source.isIMAP {
            for key in ["tls", "ca-file", "insecure", "admin-user", "password-file", "password-env", "auth", "timeout"] where reader.table[key] != nil {
                found.append((reader.keyPath(key), "only IMAP sources take \(key)"))
            }
        }
        return source
    }
}

extension GroupConfig {
    static func read(name: String, _ reader: inout TableReader, _ found: inout [(String, String)]) -> GroupConfig? {
        let source = reader.string("source", &found)
        if reader.value("source") == nil { found.append((reader.keyPath("source"), "missing: the name of a [sources.NAME]")) }
        var sets: [UserSet] = []
        if let names = reader.strings("users", &found) { sets.append(.list(names)) }
        if let file = reader.string("users-file", &found) { sets.append(.file(file)) }
        if let pattern = reader.string("users-regex", &found) {
            sets.append(.regex(pattern))
            do { _ = try UserSet.compile(pattern) } catch { found.append((reader.keyPath("users-regex"), "\(error)")) }
        }
        if let all = reader.bool("all-users", &found), all { sets.append(.all) }
        if sets.count != 1 {
            found.append((reader.path, sets.isEmpty
                ? "no users: give users, users-file, users-regex or all-users = true"
                : "give only one of users, users-file, users-regex and all-users"))
        }
        var group = GroupConfig(name: name, source: source ?? "", users: sets.first ?? .list([]))
        group.folders = reader.strings("folders", &found) ?? []
        group.recursive = reader.bool("recursive", &found)
        group.exclude = reader.strings("exclude", &found) ?? []
        group.skipJunk = reader.bool("skip-junk", &found)
        group.skipTrash = reader.bool("skip-trash", &found)
        group.workers = reader.int("workers", &found)
        if let workers = group.workers, !(1...64).contains(workers) {
            found.append((reader.keyPath("workers"), "must be between 1 and 64 (is \(workers))"))
        }
        group.userTimeout = reader.number("user-timeout", &found)
        if let timeout = group.userTimeout, timeout < 0 { found.append((reader.keyPath("user-timeout"), "must be 0 or a number of seconds")) }
        group.olderThan = reader.int("older-than", &found)
        if let days = group.olderThan, days < 0 { found.append((reader.keyPath("older-than"), "must be 0 or more days (is \(days))")) }
        return source == nil || sets.count != 1 ? nil : group
    }
}

/// Keys that would hold a secret: refused anywhere in the file.
enum SecretKeys {
    static func isSecret(_ key: String) -> Bool {
        let lower = key.lowercased()
        if lower == "password-file" || lower == "password-env" { return false }
        return lower.contains("password") || ["pass", "passwd", "secret", "token", "api-key"].contains(lower)
    }

    static func find(in table: TOMLTable, path: String, into found: inout [(String, String)]) {
        for key in table.keys {
            let keyPath = path.isEmpty ? key : path + "." + key
            if isSecret(key) {
                found.append((keyPath, "a password never goes in the configuration file: name a file with password-file (chmod 600) or a variable with password-env"))
            } else if let inner = table[key]?.table {
                find(in: inner, path: keyPath, into: &found)
            }
        }
    }
}
