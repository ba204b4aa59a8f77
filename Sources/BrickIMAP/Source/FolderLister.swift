import BrickCore

/// Lists an account's folders with their special use and identity.
///
/// With LIST-STATUS (RFC 5819) one `LIST "" "*" RETURN (SPECIAL-USE STATUS (…))`
/// brings everything; otherwise STATUS commands follow, pipelined. The identity is
/// the MAILBOXID (RFC 8474) where the server offers OBJECTID (and sends it intact:
/// see `ServerQuirks`), else `uidvalidity:<n>`, which Dovecot and Cyrus keep across a
/// RENAME.
struct FolderLister {
    let connection: IMAPConnection

    /// The folders, parents before children.
    func list() async throws(IMAPError) -> [SourceFolder] {
        let capabilities = await connection.capabilities
        var statusItems = ["MESSAGES", "UIDVALIDITY"]
        if capabilities.contains("CONDSTORE") || capabilities.contains("QRESYNC") { statusItems.append("HIGHESTMODSEQ") }
        if capabilities.contains("STATUS=SIZE") { statusItems.append("SIZE") }
        if capabilities.contains("OBJECTID"), await !connection.quirks.statusMailboxIDIsGarbage { statusItems.append("MAILBOXID") }
        var options: [String] = []
        if capabilities.contains("SPECIAL-USE") { options.append("SPECIAL-USE") }
        let listStatus = capabilities.contains("LIST-STATUS")
        if listStatus { options.append("STATUS (\(statusItems.joined(separator: " ")))") }
        let listed = try await connection.execute(.list(pattern: "*", returnOptions: options.isEmpty ? nil : options.joined(separator: " ")))
        var entries: [MailboxListEntry] = []
        var statuses: [String: MailboxStatus] = [:]
        for response in listed.untagged {
            switch response {
            case .list(let entry): entries.append(entry)
            case .mailboxStatus(let name, let status): statuses[name] = status
            default: break
            }
        }
        if !listStatus {
            let selectable = entries.filter(\.isSelectable)
            let results = await connection.pipeline(selectable.map { .status(mailbox: $0.name, items: statusItems) })
            for result in results {
                guard case .success(let completion) = result else { continue }
                for case .mailboxStatus(let name, let status) in completion.untagged { statuses[name] = status }
            }
        }
        var folders: [SourceFolder] = []
        for (entry, path) in FolderLister.distinctPaths(entries) {
            let status = statuses[entry.name]
            let identity = status?.mailboxID ?? status?.uidValidity.map { "uidvalidity:\($0)" }
            let size = status?.size.map { Int(clamping: $0) } ?? status?.messages.map(Int.init)
            folders.append(SourceFolder(
                path: path, upstreamName: entry.name,
                specialUse: entry.specialUseAttribute.flatMap(SpecialUse.init(attribute:)),
                identity: entry.isSelectable ? identity : nil, selectable: entry.isSelectable, sizeHint: size))
        }
        return folders.sorted { $0.path < $1.path }
    }

    /// One path per listed mailbox, none dropped. Two wire names can decode to the same
    /// path (`&-x` and the invalid `&x` both read `&x`; `Inbox/a` and `INBOX/a`): the
    /// one whose name is the path's canonical encoding keeps it (else the first
    /// listed), each other one is backed up under its raw name, its components not
    /// decoded, or, when that is taken too, with the raw name in brackets after the
    /// last component (`&x [&x]`). Its upstream name stays the raw one, so it is
    /// selected as the server knows it.
    static func distinctPaths(_ entries: [MailboxListEntry]) -> [(MailboxListEntry, FolderPath)] {
        var unique: [MailboxListEntry] = []
        var names = Set<String>()
        for entry in entries where names.insert(entry.name).inserted { unique.append(entry) }
        let decoded = unique.map { MailboxName.path(ofWireName: $0.name, delimiter: $0.delimiter) }
        let canonical = unique.indices.map { (try? MailboxName.wireName(of: decoded[$0], delimiter: unique[$0].delimiter)) == unique[$0].name }
        var owner: [FolderPath: Int] = [:]
        for (index, path) in decoded.enumerated() where !path.components.isEmpty {
            if let current = owner[path] {
                if canonical[index] && !canonical[current] { owner[path] = index }
            } else {
                owner[path] = index
            }
        }
        var taken = Set(owner.keys)
        var result: [(MailboxListEntry, FolderPath)] = []
        for (index, path) in decoded.enumerated() where !path.components.isEmpty {
            let entry = unique[index]
            if owner[path] == index {
                result.append((entry, path))
                continue
            }
            var alternative = entry.delimiter.map { FolderPath(entry.name.split(separator: $0, omittingEmptySubsequences: false).map(String.init)) }
                ?? FolderPath([entry.name])
            var attempt = 1
            while taken.contains(alternative) || alternative.components.isEmpty {
                var components = path.components
                components[components.count - 1] += attempt == 1 ? " [\(entry.name)]" : " [\(entry.name) \(attempt)]"
                alternative = FolderPath(components)
                attempt += 1
            }
            taken.insert(alternative)
            result.append((entry, alternative))
        }
        return result
    }
}
