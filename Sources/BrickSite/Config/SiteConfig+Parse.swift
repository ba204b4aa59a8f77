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
            if let target = TargetConfig.read(name: name, &inner, &found) { config.targets.append(target) }
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
