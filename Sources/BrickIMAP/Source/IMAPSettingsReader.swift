import BrickCore

/// Reads a user's subscriptions, ACLs and annotations over IMAP, each kind only where
/// the server announces it, in one round trip per kind: `LIST (SUBSCRIBED)` (or
/// `LSUB` without LIST-EXTENDED), then GETACL with MYRIGHTS for every selectable
/// folder (ACL, RFC 4314), then GETMETADATA of the server and of every folder, private
/// and shared (METADATA, RFC 5464; METADATA-SERVER: the server's only), each kind's
/// commands pipelined.
///
/// A folder whose ACL the login may not read (Dovecot and Cyrus answer NO without the
/// `a` right) is reported in the snapshot's notes with the rights MYRIGHTS gave, and its
/// stored ACL stays. Entries the server keeps for itself (Cyrus's `/shared/vendor/cmu/`,
/// Dovecot's `vendor.dovecot`, `/private/specialuse`, which Brick keeps as the folder's
/// special use) are left out: they cannot be restored.
struct IMAPSettingsReader {
    let connection: IMAPConnection

    /// Wire name and path of each folder.
    struct Folder {
        var wireName: String
        var path: FolderPath
        var selectable: Bool
    }

    func read(_ folders: [Folder], into snapshot: inout SettingsSnapshot) async throws(IMAPError) {
        let capabilities = await connection.capabilities
        try await readSubscriptions(capabilities, into: &snapshot)
        if capabilities.contains("ACL") { try await readACLs(folders, into: &snapshot) }
        if capabilities.contains("METADATA") || capabilities.contains("METADATA-SERVER") {
            let targets = capabilities.contains("METADATA") ? [Folder(wireName: "", path: .root, selectable: true)] + folders
                : [Folder(wireName: "", path: .root, selectable: true)]
            try await readMetadata(targets, into: &snapshot)
        }
    }

    private func readSubscriptions(_ capabilities: Capabilities, into snapshot: inout SettingsSnapshot) async throws(IMAPError) {
        let extended = capabilities.contains("LIST-EXTENDED")
        let completion = try await connection.execute(extended ? .listSubscribed(pattern: "*") : .lsub(pattern: "*"))
        var seen = Set<FolderPath>()
        for response in completion.untagged {
            let entry: MailboxListEntry
            switch response {
            case .list(let listed) where listed.attributes.contains(where: { $0.uppercased() == "\\SUBSCRIBED" }): entry = listed
            case .lsub(let listed): entry = listed
            default: continue
            }
            let path = MailboxName.path(ofWireName: entry.name, delimiter: entry.delimiter)
            guard !path.components.isEmpty, seen.insert(path).inserted else { continue }
            snapshot.settings.append(MailSetting(kind: .subscriptions, name: path.description, content: []))
        }
        snapshot.scopes.insert(SettingScope(kind: .subscriptions))
    }

    private func readACLs(_ folders: [Folder], into snapshot: inout SettingsSnapshot) async throws(IMAPError) {
        let readable = folders.filter(\.selectable)
        let commands = readable.flatMap { [Command.getACL(mailbox: $0.wireName), .myRights(mailbox: $0.wireName)] }
        let results = await connection.pipeline(commands)
        snapshot.scopes.insert(SettingScope(kind: .acl))
        for (index, folder) in readable.enumerated() {
            let acl = try results[2 * index].get()
            guard acl.isOK else {
                var rights = "?"
                if case .success(let mine) = results[2 * index + 1] {
                    for case .myRights(_, let found) in mine.untagged { rights = found }
                }
                snapshot.unreadable.insert(SettingScope(kind: .acl, folder: folder.path))
                snapshot.notes.append("ACL of \(folder.path) not readable with the rights \(rights): \(acl.tagged.text.text)")
                continue
            }
            for case .acl(_, let entries) in acl.untagged {
                for entry in entries {
                    snapshot.settings.append(MailSetting(kind: .acl, folder: folder.path, name: entry.identifier, content: Array(entry.rights.utf8)))
                }
            }
        }
    }

    private func readMetadata(_ targets: [Folder], into snapshot: inout SettingsSnapshot) async throws(IMAPError) {
        let chosen = targets.filter(\.selectable)
        let results = await connection.pipeline(chosen.map { folder in
            .getMetadata(mailbox: folder.wireName, entries: folder.wireName.isEmpty ? Self.serverEntries : ["/private", "/shared"])
        })
        snapshot.scopes.insert(SettingScope(kind: .metadata))
        for (folder, result) in zip(chosen, results) {
            let completion = try result.get()
            let place: FolderPath? = folder.wireName.isEmpty ? nil : folder.path
            guard completion.isOK else {
                snapshot.unreadable.insert(SettingScope(kind: .metadata, folder: place))
                snapshot.notes.append("annotations of \(place?.description ?? "the server") not readable: \(completion.tagged.text.text)")
                continue
            }
            var seen = Set<String>()
            for case .metadata(_, let entries, false) in completion.untagged {
                for entry in entries where !Self.isServerOwned(entry.name) && seen.insert(entry.name.lowercased()).inserted {
                    guard let value = entry.value else { continue }
                    snapshot.settings.append(MailSetting(kind: .metadata, folder: place, name: entry.name, content: value))
                }
            }
        }
    }

    /// What is asked of the server itself: everything below `/private` and `/shared`,
    /// and RFC 5464's server entries by name, since Dovecot 2.3 answers the server's
    /// `DEPTH infinity` of `/private` with nothing while it gives the entries asked by name.
    static let serverEntries = ["/private", "/shared", "/private/comment", "/shared/comment", "/shared/admin"]

    /// Entries a server writes itself.
    static func isServerOwned(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasPrefix("/shared/vendor/cmu/") || lower.hasPrefix("/private/vendor/cmu/")
            || lower.contains("/vendor/vendor.dovecot/") || lower == "/private/specialuse"
    }
}
