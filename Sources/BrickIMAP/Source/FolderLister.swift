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
        var seen = Set<FolderPath>()
        var folders: [SourceFolder] = []
        for entry in entries {
            let path = MailboxName.path(ofWireName: entry.name, delimiter: entry.delimiter)
            guard !path.components.isEmpty, seen.insert(path).inserted else { continue }
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
}
