import BrickCore
import Foundation

/// An IMAP account's settings: subscriptions, ACLs and annotations over IMAP
/// (`IMAPSettingsReader`), Sieve scripts over ManageSieve on the same host
/// (`ManageSieveConnection`). A host without ManageSieve (nothing listens on the port)
/// is a note, not an error; the scripts stored before stay.
extension IMAPSource: SettingsSource {
    /// Reads every setting the server offers. The ManageSieve session runs beside the
    /// IMAP reads, on its own connection (most of its time is the server's login): the
    /// one `prepareSettings` started, else one started here.
    public func readSettings() async throws -> SettingsSnapshot {
        let scripts = preparedScripts.take() ?? startScriptsRead()
        return try await withTaskCancellationHandler {
            do {
                var snapshot = try await readIMAPSettings()
                if let sieve = await scripts?.value {
                    snapshot.settings += sieve.settings
                    snapshot.scopes.formUnion(sieve.scopes)
                    snapshot.notes += sieve.notes
                    snapshot.failures += sieve.failures
                }
                return snapshot
            } catch {
                scripts?.cancel()
                throw error
            }
        } onCancel: {
            scripts?.cancel()
        }
    }

    /// Starts the Sieve scripts read now, so that its login overlaps the folder sync.
    public func prepareSettings() {
        preparedScripts.replace(with: startScriptsRead())
    }

    /// Cancels the scripts read `prepareSettings` started, if `readSettings` did not
    /// take it.
    public func discardPreparedSettings() {
        preparedScripts.take()?.cancel()
    }

    /// The scripts read as a task of its own, nil when no ManageSieve port is configured.
    private func startScriptsRead() -> Task<SettingsSnapshot?, Never>? {
        guard let port = options.sievePort else { return nil }
        return Task { await self.readScripts(port: port) }
    }

    /// Subscriptions, ACLs and annotations of the folders last listed (listed now if
    /// none were).
    private func readIMAPSettings() async throws -> SettingsSnapshot {
        var cached = lastListing.folders()
        if cached == nil { cached = try await listFolders() }
        let folders = cached ?? []
        return try await withRetries { connection in
            var snapshot = SettingsSnapshot()
            let listed = folders.map { IMAPSettingsReader.Folder(wireName: $0.upstreamName, path: $0.path, selectable: $0.selectable) }
            try await IMAPSettingsReader(connection: connection).read(listed, into: &snapshot)
            return snapshot
        }
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

/// The Sieve scripts read started ahead of the settings read, taken once.
final class PreparedScriptsRead: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<SettingsSnapshot?, Never>?

    /// Keeps `next`, cancelling a read started before and never taken.
    func replace(with next: Task<SettingsSnapshot?, Never>?) {
        let earlier = lock.withLock {
            defer { task = next }
            return task
        }
        earlier?.cancel()
    }

    /// The read kept, which is no longer kept.
    func take() -> Task<SettingsSnapshot?, Never>? {
        lock.withLock {
            defer { task = nil }
            return task
        }
    }
}
