import BrickCore
import Foundation

/// An IMAP account's settings: subscriptions, ACLs and annotations over IMAP
/// (`IMAPSettingsReader`), Sieve scripts over ManageSieve on the same host
/// (`ManageSieveConnection`). A host without ManageSieve (nothing listens on the port)
/// is a note, not an error; the scripts stored before stay.
extension IMAPSource: SettingsSource {
    /// Reads every setting the server offers.
    public func readSettings() async throws -> SettingsSnapshot {
        var cached = lastListing.folders()
        if cached == nil { cached = try await listFolders() }
        let folders = cached ?? []
        var snapshot = try await withRetries { connection in
            var snapshot = SettingsSnapshot()
            let listed = folders.map { IMAPSettingsReader.Folder(wireName: $0.upstreamName, path: $0.path, selectable: $0.selectable) }
            try await IMAPSettingsReader(connection: connection).read(listed, into: &snapshot)
            return snapshot
        }
        if let port = options.sievePort { await readScripts(port: port, into: &snapshot) }
        return snapshot
    }

    private func readScripts(port: Int, into snapshot: inout SettingsSnapshot) async {
        let sieve: ManageSieveConnection
        do {
            sieve = try await ManageSieveConnection.open(endpoint: endpoint, port: port, credentials: credentials, logger: logger)
        } catch IMAPError.connectionFailed {
            snapshot.notes.append("no ManageSieve on \(endpoint.host):\(port): Sieve scripts skipped")
            return
        } catch {
            snapshot.failures.append("Sieve scripts not read: \(error)")
            return
        }
        do {
            let listed = try await sieve.listScripts()
            let contents = try await sieve.getScripts(listed.map(\.name))
            for (name, active) in listed {
                snapshot.settings.append(MailSetting(kind: .sieve, name: name, content: contents[name] ?? []))
                if active {
                    snapshot.settings.append(MailSetting(kind: .sieve, name: MailSetting.activeScriptName, content: Array(name.utf8)))
                }
            }
            snapshot.scopes.insert(SettingScope(kind: .sieve))
        } catch {
            snapshot.failures.append("Sieve scripts not read: \(error)")
        }
        await sieve.close()
    }
}

/// The folders of the last listing, kept for the settings read that follows it.
final class FolderListingCache: @unchecked Sendable {
    private let lock = NSLock()
    private var listed: [SourceFolder]?

    func store(_ folders: [SourceFolder]) { lock.withLock { listed = folders } }

    func folders() -> [SourceFolder]? { lock.withLock { listed } }
}
