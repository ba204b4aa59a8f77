import BrickCore
import BrickMaildir
import Foundation

/// Settings restored beside the messages of a file target (eml, mbox), in one
/// directory: Sieve scripts as `sieve/<name>.sieve` and one JSON document per kind,
/// `sieve.json` (`{"active": NAME or null, "scripts": [{"name", "file"}]}`),
/// `acl.json` (`[{"folder", "identifier", "rights"}]`), `subscriptions.json`
/// (`["INBOX", "Archive/2025"]`, text forms of folder paths) and `metadata.json`
/// (`[{"folder" (null: server level), "entry", "value"}]`, or `"value_base64"` for a
/// value that is not UTF-8). Each document holds what earlier restores wrote there and
/// what this one adds, sorted, so writing the same settings twice changes nothing.
///
/// Names never leave the directory: a script's file name is made by
/// `SafePathComponent` (`/`, `..`, NUL and control characters escaped), and the
/// directory and its files are opened without following links.
public struct SettingsFiles: SettingsTarget {
    /// The directory the settings go in.
    public let directory: String
    /// The directory above it, which the administrator named (created when missing).
    public let base: String

    /// The name of the settings directory inside a target directory: `%` never begins a
    /// name `SafePathComponent` makes, so no folder's directory can be it.
    public static let directoryName = "%settings"

    /// Settings written into the directory `name` of `base`.
    public init(base: String, name: String) {
        self.base = FileOperations.trimmingTrailingSlashes(base)
        directory = self.base + "/" + name
    }

    /// Writes the settings; see the type's summary.
    public func writeSettings(_ settings: [MailSetting], overwrite: Bool) async throws -> SettingsWriteReport {
        var report = SettingsWriteReport()
        let root = try FileOperations.makeDirectories(directory, under: base)
        let scripts = settings.filter { $0.kind == .sieve }
        if !scripts.isEmpty { try writeSieve(scripts, in: root, overwrite: overwrite, report: &report) }
        for kind in [SettingKind.acl, .subscriptions, .metadata] {
            let chosen = settings.filter { $0.kind == kind }
            guard !chosen.isEmpty else { continue }
            let file = "\(kind.rawValue).json"
            var entries = try Self.readEntries(file, in: root)
            for setting in chosen {
                let entry = SettingsJSON.entry(setting)
                let key = SettingsJSON.identity(of: entry, kind: kind)
                if let old = entries[key], NSDictionary(dictionary: old).isEqual(to: entry) {
                    report.unchanged += 1
                } else {
                    entries[key] = entry
                    report.written.append(setting)
                }
            }
            try Self.write(SettingsJSON.document(entries, kind: kind), named: file, in: root)
        }
        return report
    }

    private func writeSieve(_ scripts: [MailSetting], in root: NoFollowDirectory, overwrite: Bool, report: inout SettingsWriteReport) throws {
        let scriptDirectory = try FileOperations.makeDirectories(directory + "/sieve", under: base)
        var index = try Self.readObject("sieve.json", in: root)
        var listed = (index["scripts"] as? [[String: Any]]) ?? []
        var namesWritten: [String: String] = [:]
        for script in scripts where script.name != MailSetting.activeScriptName {
            var name = script.name
            var attempt = 1
            while true {
                let file = SafePathComponent.escapingSuffix(SafePathComponent.encode(name), ".sieve") + ".sieve"
                let existing = try FileOperations.translating { try scriptDirectory.readSmallFile(file, limit: 16 << 20) }
                if existing == script.content {
                    report.unchanged += 1
                } else if existing == nil || (overwrite && name == script.name) {
                    try FileOperations.writeFileAtomically(script.content, named: file, in: scriptDirectory, modified: Date(), sync: true)
                    report.written.append(MailSetting(kind: .sieve, name: name, content: script.content))
                } else {
                    name = script.name + "-restored" + (attempt == 1 ? "" : "-\(attempt)")
                    attempt += 1
                    continue
                }
                if name != script.name { report.renamed.append((script.name, name)) }
                listed.removeAll { ($0["name"] as? String) == name }
                listed.append(["name": name, "file": "sieve/" + file])
                namesWritten[script.name] = name
                break
            }
        }
        if let active = scripts.first(where: { $0.name == MailSetting.activeScriptName }) {
            let name = namesWritten[active.text] ?? active.text
            if index["active"] as? String == name {
                report.unchanged += 1
            } else {
                index["active"] = name
                report.written.append(MailSetting(kind: .sieve, name: MailSetting.activeScriptName, content: Array(name.utf8)))
            }
        }
        index["scripts"] = listed.sorted { ($0["name"] as? String ?? "") < ($1["name"] as? String ?? "") }
        if index["active"] == nil { index["active"] = NSNull() }
        try Self.write(index, named: "sieve.json", in: root)
    }

    private static func readObject(_ name: String, in root: NoFollowDirectory) throws -> [String: Any] {
        guard let bytes = try FileOperations.translating({ try root.readSmallFile(name, limit: 64 << 20) }) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
    }

    private static func readEntries(_ name: String, in root: NoFollowDirectory) throws -> [String: [String: Any]] {
        guard let bytes = try FileOperations.translating({ try root.readSmallFile(name, limit: 64 << 20) }),
              let array = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [Any]
        else { return [:] }
        var entries: [String: [String: Any]] = [:]
        let kind = SettingKind(rawValue: String(name.dropLast(5))) ?? .acl
        for element in array {
            let entry = (element as? [String: Any]) ?? ["folder": element]
            entries[SettingsJSON.identity(of: entry, kind: kind)] = entry
        }
        return entries
    }

    /// Writes a JSON document, unless the file already holds exactly these bytes.
    private static func write(_ object: Any, named name: String, in root: NoFollowDirectory) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let bytes = [UInt8](data) + [0x0A]
        if try FileOperations.translating({ try root.readSmallFile(name, limit: 64 << 20) }) == bytes { return }
        try FileOperations.writeFileAtomically(bytes, named: name, in: root, modified: Date(), sync: true)
    }
}
