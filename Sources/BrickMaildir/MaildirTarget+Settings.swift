import BrickCore
import Foundation
import Glibc

/// Settings restored into a Maildir are written as Dovecot's files (see
/// `MaildirSource+Settings`): scripts as `NAME.sieve` in `sieve/` beside the Maildir
/// root (or `sieveLocation`) and the active-script link `.dovecot.sieve` beside it;
/// subscriptions added to the root's `subscriptions` file (none removed); ACL entries
/// set in each folder's `dovecot-acl` (the folder is created when missing); annotations
/// set in the attribute dictionary (`MaildirTarget+Annotations`). Every file is written through a
/// temporary file renamed over it, from directories opened without following links.
extension MaildirTarget: SettingsTarget {
    /// Writes the settings.
    public func writeSettings(_ settings: [MailSetting], overwrite: Bool) async throws -> SettingsWriteReport {
        var report = SettingsWriteReport()
        let location = sieveLocation ?? SieveLocation(besideMaildir: root)
        let scripts = settings.filter { $0.kind == .sieve && $0.name != MailSetting.activeScriptName }
        var writtenNames: [String: String] = [:]
        for script in scripts {
            do {
                writtenNames[script.name] = try writeScript(script, at: location, overwrite: overwrite, report: &report)
            } catch {
                report.failures.append("Sieve script \"\(script.name)\": \(error)")
            }
        }
        if let active = settings.first(where: { $0.kind == .sieve && $0.name == MailSetting.activeScriptName }) {
            let name = writtenNames[active.text] ?? active.text
            do {
                try activate(name, at: location, setting: active, report: &report)
            } catch {
                report.failures.append("active Sieve script \"\(name)\": \(error)")
            }
        }
        let subscriptions = settings.filter { $0.kind == .subscriptions }
        if !subscriptions.isEmpty {
            do {
                try subscribe(subscriptions, report: &report)
            } catch {
                report.failures.append("subscriptions: \(error)")
            }
        }
        let acls = Dictionary(grouping: settings.filter { $0.kind == .acl }, by: { $0.folder ?? .inbox })
        for (folder, entries) in acls.sorted(by: { $0.key < $1.key }) {
            do {
                try setACL(entries, on: folder, report: &report)
            } catch {
                report.failures.append("ACL of \(folder): \(error)")
            }
        }
        let annotations = settings.filter { $0.kind == .metadata }
        if !annotations.isEmpty {
            do {
                try writeAnnotations(annotations, report: &report)
            } catch {
                report.failures.append("annotations: \(error)")
            }
        }
        return report
    }

    /// Writes one script; returns the name it was written under.
    private func writeScript(
        _ script: MailSetting, at location: SieveLocation, overwrite: Bool, report: inout SettingsWriteReport
    ) throws -> String {
        guard SieveLocation.isValidScriptName(script.name) else {
            throw MaildirError.invalidSettingName(kind: "Sieve script", name: script.name)
        }
        guard let directory = try NoFollowDirectory.open(location.directory, create: true) else {
            throw MaildirError.notADirectory(path: location.directory)
        }
        var name = script.name
        var attempt = 1
        while let existing = try directory.readSmallFile(name + SieveLocation.scriptSuffix, limit: 16 << 20) {
            if existing == script.content {
                if name != script.name { report.renamed.append((script.name, name)) }
                report.unchanged += 1
                return name
            }
            if overwrite && name == script.name { break }
            name = script.name + "-restored" + (attempt == 1 ? "" : "-\(attempt)")
            attempt += 1
        }
        let folder = TargetFolder(folder: directory, cur: directory, new: directory, tmp: directory)
        try folder.writeAtomically(name + SieveLocation.scriptSuffix, script.content)
        if name != script.name { report.renamed.append((script.name, name)) }
        report.written.append(MailSetting(kind: .sieve, name: name, content: script.content))
        return name
    }

    /// Points the active-script link at `name` (a new link renamed over the old one).
    private func activate(_ name: String, at location: SieveLocation, setting: MailSetting, report: inout SettingsWriteReport) throws {
        guard SieveLocation.isValidScriptName(name) else { throw MaildirError.invalidSettingName(kind: "active Sieve script", name: name) }
        let relative = (location.directory as NSString).lastPathComponent + "/" + name + SieveLocation.scriptSuffix
        let parent = PathText.parent(of: location.activeLink)
        guard let directory = try NoFollowDirectory.open(parent) else { throw MaildirError.notADirectory(path: parent) }
        if let current = try MaildirSource.linkTarget(location.activeLink) {
            if current == relative || current == location.directory + "/" + name + SieveLocation.scriptSuffix {
                report.unchanged += 1
                return
            }
        } else if try directory.status(SieveLocation.activeLinkName) != nil {
            throw MaildirError.settingInTheWay(path: location.activeLink)
        }
        let temporary = SieveLocation.activeLinkName + ".tmp.\(getpid())"
        _ = try? directory.removeFile(temporary)
        _ = try POSIX.posixCall("symlinkat", path: directory.child(temporary)) { symlinkat(relative, directory.descriptor, temporary) }
        try directory.rename(temporary, to: directory, as: SieveLocation.activeLinkName)
        report.written.append(MailSetting(kind: .sieve, name: MailSetting.activeScriptName, content: Array(name.utf8)))
    }

    private func subscribe(_ subscriptions: [MailSetting], report: inout SettingsWriteReport) throws {
        guard let rootDirectory = try NoFollowDirectory.open(root.path, create: true) else { throw MaildirError.notAMaildir(path: root.path) }
        var paths = try rootDirectory.readSmallFile(DovecotSubscriptions.fileName, limit: 16 << 20).map { DovecotSubscriptions.parse($0) } ?? []
        var known = Set(paths)
        for setting in subscriptions {
            let path = FolderPath(parsing: setting.name)
            if known.insert(path).inserted {
                paths.append(path)
                report.written.append(setting)
            } else {
                report.unchanged += 1
            }
        }
        guard paths.count > 0, report.written.contains(where: { $0.kind == .subscriptions }) else { return }
        let folder = TargetFolder(folder: rootDirectory, cur: rootDirectory, new: rootDirectory, tmp: rootDirectory)
        try folder.writeAtomically(DovecotSubscriptions.fileName, DovecotSubscriptions.encode(paths))
    }

    private func setACL(_ entries: [MailSetting], on path: FolderPath, report: inout SettingsWriteReport) throws {
        guard let folder = try openFolder(path, create: true) else { throw MaildirError.folderNotFound(folder: path, upstreamName: "") }
        var current = try folder.folder.readSmallFile(DovecotACLFile.fileName, limit: 1 << 20).map(DovecotACLFile.parse) ?? []
        var changed = false
        for entry in entries {
            if let index = current.firstIndex(where: { $0.identifier == entry.name }) {
                if current[index].rights == entry.text {
                    report.unchanged += 1
                    continue
                }
                current[index].rights = entry.text
            } else {
                current.append((entry.name, entry.text))
            }
            changed = true
            report.written.append(entry)
        }
        if changed { try folder.writeAtomically(DovecotACLFile.fileName, DovecotACLFile.encode(current)) }
    }
}
