import ArgumentParser
import BrickCore
import Foundation

/// Which settings kinds a command takes: `--kind LIST` or one flag per kind.
struct SettingKindOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Only these kinds: sieve, acl, subscriptions, metadata (comma-separated).", valueName: "LIST"))
    var kind: String?

    @Flag(name: .long, help: "Sieve scripts (and which one is active).")
    var sieve = false

    @Flag(name: .long, help: "Folder ACLs.")
    var acl = false

    @Flag(name: .long, help: "Subscriptions.")
    var subscriptions = false

    @Flag(name: .long, help: "Annotations (METADATA).")
    var metadata = false

    /// Whether any kind was named.
    var namesAny: Bool { kind != nil || sieve || acl || subscriptions || metadata }

    /// The kinds named; all when none was.
    func kinds() throws -> Set<SettingKind> {
        var kinds = Set<SettingKind>()
        if let kind {
            for name in kind.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
                guard let parsed = SettingKind(rawValue: name == "subscription" ? "subscriptions" : name) else {
                    throw UsageError("unknown --kind '\(name)': use sieve, acl, subscriptions or metadata")
                }
                kinds.insert(parsed)
            }
        }
        if sieve { kinds.insert(.sieve) }
        if acl { kinds.insert(.acl) }
        if subscriptions { kinds.insert(.subscriptions) }
        if metadata { kinds.insert(.metadata) }
        return kinds.isEmpty ? Set(SettingKind.allCases) : kinds
    }
}
