import BrickCore

/// Settings restored into an IMAP account: subscriptions, ACLs and annotations over
/// IMAP (`IMAPSettingsWriter`), Sieve scripts over ManageSieve on the same host with
/// PUTSCRIPT and SETACTIVE. A script of the same name with other content is left alone
/// and the backed-up one stored as `NAME-restored` (`-restored-2`, …) unless
/// `overwrite`; a script the server refuses (PUTSCRIPT answered NO: not valid Sieve
/// for this server, over quota) is one failure naming it, and the others go on.
extension IMAPTarget: SettingsTarget {
    /// Writes the settings; see the type's summary.
    public func writeSettings(_ settings: [MailSetting], overwrite: Bool) async throws -> SettingsWriteReport {
        var report = SettingsWriteReport()
        let scripts = settings.filter { $0.kind == .sieve }
        if !scripts.isEmpty { await writeScripts(scripts, overwrite: overwrite, into: &report) }
        let others = settings.filter { $0.kind != .sieve }
        if !others.isEmpty {
            report.merge(try await serially { connection in
                var part = SettingsWriteReport()
                try await IMAPSettingsWriter(connection: connection, delimiter: try await self.delimiter(connection)).write(others, into: &part)
                return part
            })
        }
        return report
    }

    private func writeScripts(_ scripts: [MailSetting], overwrite: Bool, into report: inout SettingsWriteReport) async {
        guard let port = options.sievePort else {
            report.notes.append("no ManageSieve port: \(scripts.count) Sieve settings not restored")
            return
        }
        switch await ManageSieveConnection.withSession(endpoint: endpoint, port: port, credentials: credentials, logger: logger, { sieve in
            await Self.store(scripts, on: sieve, overwrite: overwrite)
        }) {
        case .done(let written):
            report.merge(written)
        case .absent:
            report.notes.append("no ManageSieve on \(endpoint.host):\(port): \(scripts.count) Sieve settings not restored")
        case .failed(let error):
            report.failures.append("Sieve scripts: \(error)")
        }
    }

    /// Stores the scripts and activates the active one; a broken session is one
    /// failure, after what was written before it.
    private static func store(_ scripts: [MailSetting], on sieve: ManageSieveConnection, overwrite: Bool) async -> SettingsWriteReport {
        var report = SettingsWriteReport()
        do {
            try await store(scripts, on: sieve, overwrite: overwrite, into: &report)
        } catch {
            report.failures.append("Sieve scripts: \(error)")
        }
        return report
    }

    private static func store(
        _ scripts: [MailSetting], on sieve: ManageSieveConnection, overwrite: Bool, into report: inout SettingsWriteReport
    ) async throws(IMAPError) {
        let listed = try await sieve.listScripts()
        let existing = Set(listed.map(\.name))
        var writtenAs: [String: String] = [:]
        for script in scripts where script.name != MailSetting.activeScriptName {
            var name = script.name
            var attempt = 1
            while true {
                if existing.contains(name) || writtenAs.values.contains(name) {
                    let current = try await sieve.getScripts([name])[name]
                    if current == script.content {
                        report.unchanged += 1
                        writtenAs[script.name] = name
                        break
                    }
                    if !(overwrite && name == script.name) {
                        name = script.name + "-restored" + (attempt == 1 ? "" : "-\(attempt)")
                        attempt += 1
                        continue
                    }
                }
                let response = try await sieve.putScript(name, script.content)
                if response.status == .ok {
                    report.written.append(MailSetting(kind: .sieve, name: name, content: script.content))
                    writtenAs[script.name] = name
                } else {
                    report.failures.append("Sieve script \"\(script.name)\": the server refused it: \(response.text)")
                }
                break
            }
            if let written = writtenAs[script.name], written != script.name { report.renamed.append((script.name, written)) }
        }
        guard let active = scripts.first(where: { $0.name == MailSetting.activeScriptName }) else { return }
        let name = writtenAs[active.text] ?? active.text
        if listed.contains(where: { $0.name == name && $0.active }) {
            report.unchanged += 1
            return
        }
        guard existing.contains(name) || writtenAs.values.contains(name) else {
            report.failures.append("active Sieve script \"\(name)\": not on the server, not activated")
            return
        }
        do {
            try await sieve.setActive(name)
            report.written.append(MailSetting(kind: .sieve, name: MailSetting.activeScriptName, content: Array(name.utf8)))
        } catch {
            report.failures.append("active Sieve script \"\(name)\": \(error)")
        }
    }
}

extension SettingsWriteReport {
    /// Adds what `other` says to this report.
    mutating func merge(_ other: SettingsWriteReport) {
        written += other.written
        unchanged += other.unchanged
        renamed += other.renamed
        failures += other.failures
        notKept += other.notKept
        notes += other.notes
    }
}
