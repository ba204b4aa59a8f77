import BrickCore

/// Writes subscriptions, ACLs and annotations into an IMAP account, each kind only
/// where the server announces it, comparing with what is there first so that a second
/// restore sends no change: SUBSCRIBE for the missing subscriptions, SETACL for the
/// entries whose rights differ (compared as sets of letters), SETMETADATA for the
/// entries whose value differs, in that order (so the folders ACLs and annotations
/// create exist when their subscriptions come). Reads and writes are pipelined per kind. A folder an
/// ACL or annotation belongs to is created when missing (not subscribed: subscriptions
/// come back as they were). A command the server refuses is one failure naming the
/// setting; the others go on. A server-level `/shared` annotation refused with
/// `NO [CANNOT]` (Dovecot keeps none) is reported as not kept rather than failed.
struct IMAPSettingsWriter {
    let connection: IMAPConnection
    let delimiter: Character?

    func write(_ settings: [MailSetting], into report: inout SettingsWriteReport) async throws(IMAPError) {
        let capabilities = await connection.capabilities
        let acls = settings.filter { $0.kind == .acl }
        if !acls.isEmpty {
            if capabilities.contains("ACL") {
                try await setACLs(acls, into: &report)
            } else {
                report.notes.append("the server does not announce ACL: \(acls.count) ACL entries not restored")
            }
        }
        let annotations = settings.filter { $0.kind == .metadata }
        let takesFolders = capabilities.contains("METADATA")
        let takesServer = takesFolders || capabilities.contains("METADATA-SERVER")
        let writable = annotations.filter { $0.folder == nil ? takesServer : takesFolders }
        if writable.count < annotations.count {
            report.notes.append("the server does not announce METADATA: \(annotations.count - writable.count) annotations not restored")
        }
        if !writable.isEmpty { try await setMetadata(writable, into: &report) }
        let subscriptions = settings.filter { $0.kind == .subscriptions }
        if !subscriptions.isEmpty { try await subscribe(subscriptions, capabilities, into: &report) }
    }

    private func wireName(_ path: FolderPath) throws(IMAPError) -> String {
        path == .inbox ? "INBOX" : try MailboxName.wireName(of: path, delimiter: delimiter)
    }

    private func subscribe(_ settings: [MailSetting], _ capabilities: Capabilities, into report: inout SettingsWriteReport) async throws(IMAPError) {
        let listed = try await connection.execute(capabilities.contains("LIST-EXTENDED") ? .listSubscribed(pattern: "*") : .lsub(pattern: "*"))
        var present = Set<String>()
        for response in listed.untagged {
            switch response {
            case .list(let entry) where entry.attributes.contains(where: { $0.uppercased() == "\\SUBSCRIBED" }): present.insert(entry.name)
            case .lsub(let entry): present.insert(entry.name)
            default: break
            }
        }
        var pending: [(MailSetting, Command)] = []
        for setting in settings {
            do {
                let name = try wireName(FolderPath(parsing: setting.name))
                if present.contains(name) { report.unchanged += 1 } else { pending.append((setting, .subscribe(mailbox: name))) }
            } catch {
                report.failures.append("subscription \"\(setting.name)\": \(error)")
            }
        }
        for ((setting, command), result) in zip(pending, await connection.pipeline(pending.map(\.1))) {
            var outcome = result
            if case .success(let completion) = result, !completion.isOK, case .subscribe(let name) = command {
                outcome = await subscribeMissing(name) ?? result
            }
            record(setting, outcome, what: "subscription \"\(setting.name)\"", into: &report)
        }
    }

    /// Dovecot refuses SUBSCRIBE of a folder that does not exist, but keeps the
    /// subscription of a folder deleted: the folder is created, subscribed and deleted.
    /// Nil when the folder exists (the refusal had another reason).
    private func subscribeMissing(_ name: String) async -> Result<CommandCompletion, IMAPError>? {
        guard case .success(let created) = await connection.pipeline([.create(mailbox: name, specialUse: nil)])[0], created.isOK else {
            return nil
        }
        let results = await connection.pipeline([.subscribe(mailbox: name), .delete(mailbox: name)])
        return results[0]
    }

    private func setACLs(_ settings: [MailSetting], into report: inout SettingsWriteReport) async throws(IMAPError) {
        let byFolder = Dictionary(grouping: settings) { $0.folder ?? .inbox }
        let folders = byFolder.keys.sorted()
        var names: [FolderPath: String] = [:]
        for folder in folders {
            do { names[folder] = try wireName(folder) } catch { report.failures.append("ACL of \(folder): \(error)") }
        }
        let reachable = folders.filter { names[$0] != nil }
        _ = await connection.pipeline(reachable.filter { $0 != .inbox }.map { .create(mailbox: names[$0]!, specialUse: nil) })
        let current = await connection.pipeline(reachable.map { .getACL(mailbox: names[$0]!) })
        var pending: [(MailSetting, Command)] = []
        for (folder, result) in zip(reachable, current) {
            var rights: [String: Set<Character>] = [:]
            if case .success(let completion) = result {
                for case .acl(_, let entries) in completion.untagged {
                    for entry in entries { rights[entry.identifier] = Set(entry.rights) }
                }
            }
            for setting in byFolder[folder] ?? [] {
                if rights[setting.name] == Set(setting.text) {
                    report.unchanged += 1
                } else {
                    pending.append((setting, .setACL(mailbox: names[folder]!, identifier: setting.name, rights: setting.text)))
                }
            }
        }
        for ((setting, _), result) in zip(pending, await connection.pipeline(pending.map(\.1))) {
            record(setting, result, what: "ACL of \(setting.folder ?? .inbox) for \"\(setting.name)\"", into: &report)
        }
    }

    private func setMetadata(_ settings: [MailSetting], into report: inout SettingsWriteReport) async throws(IMAPError) {
        let byFolder = Dictionary(grouping: settings) { $0.folder?.description ?? "" }
        var names: [String: String] = [:]
        for (key, group) in byFolder {
            do { names[key] = try group[0].folder.map(wireName) ?? "" } catch { report.failures.append("annotations of \(key): \(error)") }
        }
        let keys = byFolder.keys.filter { names[$0] != nil }.sorted()
        _ = await connection.pipeline(keys.filter { !$0.isEmpty && names[$0] != "INBOX" }.map { .create(mailbox: names[$0]!, specialUse: nil) })
        let current = await connection.pipeline(keys.map { key in .getMetadata(mailbox: names[key]!, entries: byFolder[key]!.map(\.name)) })
        var pending: [(MailSetting, Command)] = []
        for (key, result) in zip(keys, current) {
            var values: [String: [UInt8]] = [:]
            if case .success(let completion) = result {
                for case .metadata(_, let entries, false) in completion.untagged {
                    for entry in entries { if let value = entry.value { values[entry.name.lowercased()] = value } }
                }
            }
            for setting in byFolder[key] ?? [] {
                if values[setting.name.lowercased()] == setting.content {
                    report.unchanged += 1
                } else {
                    pending.append((setting, .setMetadata(mailbox: names[key]!, entry: setting.name, value: setting.content)))
                }
            }
        }
        for ((setting, _), result) in zip(pending, await connection.pipeline(pending.map(\.1))) {
            if setting.folder == nil, setting.name.lowercased().hasPrefix("/shared/"), case .success(let completion) = result,
               completion.tagged.status == .no, completion.tagged.text.code == .other("CANNOT", nil)
            {
                // Dovecot keeps server annotations among INBOX's private attributes and
                // answers a server-level /shared one with NO [CANNOT].
                report.notKept.append("annotation \(setting.name) of the server: the server keeps no server-level /shared annotations "
                    + "(\(completion.tagged.text.text))")
                continue
            }
            record(setting, result, what: "annotation \(setting.name) of \(setting.folder?.description ?? "the server")", into: &report)
        }
    }

    private func record(_ setting: MailSetting, _ result: Result<CommandCompletion, IMAPError>, what: String, into report: inout SettingsWriteReport) {
        switch result {
        case .success(let completion) where completion.isOK: report.written.append(setting)
        case .success(let completion): report.failures.append("\(what): \(completion.tagged.status.rawValue) \(completion.tagged.text.text)")
        case .failure(let error): report.failures.append("\(what): \(error)")
        }
    }
}
