import BrickCore
import Foundation

/// An IMAP account's settings: subscriptions, ACLs and annotations over IMAP
/// (`IMAPSettingsReader`), Sieve scripts over ManageSieve on the same host
/// (`ManageSieveConnection`). A host without ManageSieve (nothing listens on the port)
/// is a note, not an error; the scripts stored before stay.
extension IMAPSource: SettingsSource {
    /// Reads every setting the server offers. The ManageSieve session runs beside the
    /// IMAP reads, on its own connection: most of its time is the server's login.
    public func readSettings() async throws -> SettingsSnapshot {
        async let scripts = readScripts(port: options.sievePort)
        var cached = lastListing.folders()
        if cached == nil { cached = try await listFolders() }
        let folders = cached ?? []
        var snapshot = try await withRetries { connection in
            var snapshot = SettingsSnapshot()
            let listed = folders.map { IMAPSettingsReader.Folder(wireName: $0.upstreamName, path: $0.path, selectable: $0.selectable) }
            try await IMAPSettingsReader(connection: connection).read(listed, into: &snapshot)
            return snapshot
        }
        if let sieve = await scripts {
            snapshot.settings += sieve.settings
            snapshot.scopes.formUnion(sieve.scopes)
            snapshot.notes += sieve.notes
            snapshot.failures += sieve.failures
        }
        return snapshot
    }

    /// The scripts, nil when no ManageSieve port is configured.
    private func readScripts(port: Int?) async -> SettingsSnapshot? {
        guard let port else { return nil }
        var snapshot = SettingsSnapshot()
        switch await ManageSieveConnection.withSession(
            endpoint: endpoint, port: port, credentials: credentials, logger: logger, Self.readScripts)
        {
        case .done(let settings):
            snapshot.settings = settings
            snapshot.scopes.insert(SettingScope(kind: .sieve))
        case .absent:
            snapshot.notes.append("no ManageSieve on \(endpoint.host):\(port): Sieve scripts skipped")
        case .failed(let error):
            snapshot.failures.append("Sieve scripts not read: \(error)")
        }
        return snapshot
    }

    /// Every script with its content, and which one is active.
    private static func readScripts(_ sieve: ManageSieveConnection) async throws(IMAPError) -> [MailSetting] {
        let listed = try await sieve.listScripts()
        let contents = try await sieve.getScripts(listed.map(\.name))
        var settings: [MailSetting] = []
        for (name, active) in listed {
            settings.append(MailSetting(kind: .sieve, name: name, content: contents[name] ?? []))
            if active { settings.append(MailSetting(kind: .sieve, name: MailSetting.activeScriptName, content: Array(name.utf8))) }
        }
        return settings
    }
}

/// The folders of the last listing, kept for the settings read that follows it.
final class FolderListingCache: @unchecked Sendable {
    private let lock = NSLock()
    private var listed: [SourceFolder]?

    func store(_ folders: [SourceFolder]) { lock.withLock { listed = folders } }

    func folders() -> [SourceFolder]? { lock.withLock { listed } }
}
