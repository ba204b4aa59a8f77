import ArgumentParser
import BrickSite

/// `--group NAME` (repeatable) and `--all-groups`: the configured backup groups to work on.
struct GroupSelectionOptions: ParsableArguments {
    @Option(name: .customLong("group"), help: ArgumentHelp("A backup group of the configuration file (repeatable).", valueName: "NAME"))
    var groups: [String] = []

    @Flag(name: .customLong("all-groups"), help: "Every backup group of the configuration file, in its order.")
    var allGroups = false

    /// True when groups were asked for.
    var isGiven: Bool { !groups.isEmpty || allGroups }

    /// The groups asked for, in order; a name the configuration lacks is a usage error.
    func selected(_ config: SiteConfig) throws -> [GroupConfig] {
        if allGroups {
            guard !config.groups.isEmpty else { throw UsageError("--all-groups: \(config.file ?? "no configuration file") has no [groups.NAME]") }
            return config.groups
        }
        var seen = Set<String>()
        return try groups.filter { seen.insert($0).inserted }.map { name in
            guard let group = config.group(named: name) else {
                let known = config.groups.map(\.name).joined(separator: ", ")
                throw UsageError("--group \(name): no [groups.\(name)] in \(config.file ?? "the configuration (no file was read)")"
                    + (known.isEmpty ? "" : "; groups: \(known)"))
            }
            return group
        }
    }
}
